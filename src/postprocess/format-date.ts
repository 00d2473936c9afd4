/** Pattern tokens, longest first so `YYYY` wins over `YY`. */
const TOKENS = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss'] as const;
type Token = (typeof TOKENS)[number];
const PART_OF: Record<Token, Intl.DateTimeFormatPartTypes> = { YYYY: 'year', MM: 'month', DD: 'day', HH: 'hour', mm: 'minute', ss: 'second' };

/** A date formatter compiled once: the pattern split into tokens, the time zone checked. */
export type DateFormatter = (value: unknown) => string | null;

/**
 * Formatted values remembered per formatter. `formatToParts` costs several µs a value and the
 * same dates come back request after request (the same customers), so a bounded memo pays;
 * when full it is simply emptied (no LRU bookkeeping on the hot path).
 */
const MEMO_LIMIT = 2048;

/**
 * Compiles a date pattern (`YYYY-MM-DD HH:mm`, tokens YYYY MM DD HH mm ss, anything else
 * literal) for a time zone. Throws RangeError for an unknown time zone, at config load.
 */
export function compileDateFormat(pattern: string, timeZone: string): DateFormatter {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const pieces: (Token | { literal: string })[] = [];
  for (let i = 0; i < pattern.length; ) {
    const token = TOKENS.find((t) => pattern.startsWith(t, i));
    if (token) {
      pieces.push(token);
      i += token.length;
    } else {
      const last = pieces.at(-1);
      if (last && typeof last === 'object') last.literal += pattern[i];
      else pieces.push({ literal: pattern[i]! });
      i += 1;
    }
  }
  const isUtc = format.resolvedOptions().timeZone === 'UTC';
  const viaIntl = (date: Date): string => {
    const parts = new Map(format.formatToParts(date).map((p) => [p.type, p.value]));
    return pieces.map((p) => (typeof p === 'object' ? p.literal : (parts.get(PART_OF[p]) ?? ''))).join('');
  };
  const memo = new Map<string | number, string>();
  return (value) => {
    if (typeof value !== 'number' && typeof value !== 'string') return null;
    const known = memo.get(value);
    if (known !== undefined) return known;
    const date = new Date(value);
    const time = date.getTime();
    if (Number.isNaN(time)) return null;
    const year = isUtc ? date.getUTCFullYear() : 0;
    // UTC needs no time-zone data: Date's own UTC fields give what Intl would (4-digit years only,
    // as Intl prints other years unpadded or with an era).
    const text = isUtc && year >= 1000 && year <= 9999 ? formatUtc(date, pieces) : viaIntl(date);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(value, text);
    return text;
  };
}

function formatUtc(date: Date, pieces: readonly (Token | { literal: string })[]): string {
  let text = '';
  for (const piece of pieces) {
    if (typeof piece === 'object') text += piece.literal;
    else if (piece === 'YYYY') text += String(date.getUTCFullYear());
    else if (piece === 'MM') text += pad2(date.getUTCMonth() + 1);
    else if (piece === 'DD') text += pad2(date.getUTCDate());
    else if (piece === 'HH') text += pad2(date.getUTCHours());
    else if (piece === 'mm') text += pad2(date.getUTCMinutes());
    else text += pad2(date.getUTCSeconds());
  }
  return text;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
