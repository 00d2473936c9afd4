import { ErrorCodes } from '../errors/codes.ts';
import type { GatewayConfig } from './types.ts';
import { checkKeys, describe, readIntInRange, readMapping, report, type Checker } from './shape-checker.ts';

const CORS_KEYS = ['origins', 'maxAgeSec'] as const;

/**
 * gateway.yaml's `cors:` section: `{ origins: [https://console.example.com], maxAgeSec: 600 }`.
 * Each origin is written exactly (scheme, host, port): no `*`, no patterns, so no page outside the
 * list can ever read an answer.
 */
export function readCors(c: Checker, value: unknown): GatewayConfig['cors'] {
  if (value === undefined) return undefined;
  const cors = readMapping(c, value, ['cors'], `a mapping with any of the keys ${CORS_KEYS.join(', ')}`);
  if (!cors) return undefined;
  checkKeys(c, cors, ['cors'], CORS_KEYS);
  const origins: string[] = [];
  if (!Array.isArray(cors.origins)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of origins such as [https://console.example.com]; got ${describe(cors.origins)}`, ['cors', 'origins']);
  } else {
    cors.origins.forEach((origin: unknown, i) => {
      const parsed = typeof origin === 'string' && URL.canParse(origin) ? new URL(origin) : undefined;
      // An origin is scheme://host[:port] and nothing more; URL normalises it as browsers send it.
      if (parsed && (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.origin === origin) origins.push(origin);
      else {
        const hint = parsed && parsed.origin !== 'null' && parsed.origin !== origin ? ` (did you mean "${parsed.origin}"?)` : '';
        report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an exact origin, scheme://host[:port] without a path or "*", such as https://console.example.com${hint}; got ${describe(origin)}`, ['cors', 'origins', i]);
      }
    });
  }
  return { origins, maxAgeSec: readIntInRange(c, cors, ['cors'], 'maxAgeSec', 0, 86_400) ?? 600 };
}
