/** A caller may ask for a shorter deadline than the server's with this header (ms, a positive integer). */
export const TIMEOUT_HEADER = 'x-tessera-timeout-ms';

/**
 * The request's deadline as a `performance.now()` time: the server's default timeout, lowered
 * (never raised) by the caller's header. Returns an error message for a malformed header, so the
 * caller learns about it instead of silently getting the default.
 */
export function requestDeadline(header: string | string[] | undefined, startedAt: number, defaultTimeoutMs: number): number | string {
  if (header === undefined) return startedAt + defaultTimeoutMs;
  const text = Array.isArray(header) ? header[0] : header;
  const ms = text !== undefined && /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(ms > 0)) return `The ${TIMEOUT_HEADER} header must be a positive integer number of milliseconds; got "${String(text).slice(0, 32)}".`;
  return startedAt + Math.min(ms, defaultTimeoutMs);
}
