import type { ForwardedHeader } from '../config/types.ts';

/** The caller's request headers as Node parses them: names lowercased, repeats joined (set-cookie as a list). */
export type CallerHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * `base` plus the declared caller headers, renamed. A header the caller names in its own
 * `Connection` header is hop-by-hop for that hop (RFC 9110 §7.6.1) and is not passed on, like the
 * hop-by-hop names the config already refuses, and neither is the traffic mark header (`markHeader`).
 * Runs once per connector and request.
 */
export function forwardedHeaders(base: Readonly<Record<string, string>>, caller: CallerHeaders | undefined, forward: readonly ForwardedHeader[], markHeader?: string): Record<string, string> {
  const headers: Record<string, string> = { ...base };
  if (!caller) return headers;
  const connection = caller.connection;
  // Nearly always absent, `keep-alive` or `close`: only other tokens name hop-by-hop headers.
  const hopByHop = typeof connection === 'string' && connection !== 'keep-alive' && connection !== 'close' ? connection.toLowerCase().split(',').map((t) => t.trim()) : undefined;
  for (const { from, to } of forward) {
    const value = caller[from];
    // The mark header is the gateway's to set (from the admitted mark): a caller's raw value is never passed on.
    if (value === undefined || to === markHeader || hopByHop?.includes(from)) continue;
    headers[to] = typeof value === 'string' ? value : value.join(', ');
  }
  return headers;
}
