/** Pattern tokens, longest first so `YYYY` wins over `YY`. */
const TOKENS = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss'] as const;
type Token = (typeof TOKENS)[number];
const PART_OF: Record<Token, Intl.DateTimeFormatPartTypes> = { YYYY: 'year', MM: 'month', DD: 'day', HH: 'hour', mm: 'minute', ss: 'second' };

/** A date formatter compiled once: the pattern split into tokens, the time zone checked. */
export type DateFormatter = (value: unknown) => string | null;

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
  return (value) => {
    const date = typeof value === 'number' ? new Date(value) : typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) return null;
    const parts = new Map(format.formatToParts(date).map((p) => [p.type, p.value]));
    return pieces.map((p) => (typeof p === 'object' ? p.literal : (parts.get(PART_OF[p]) ?? ''))).join('');
  };
}
