import { ErrorCodes } from '../errors/codes.ts';
import type { GatewayConfig } from './types.ts';
import { checkKeys, describe, readBoolean, readIntInRange, readMapping, report, type Checker } from './shape-checker.ts';

const METRICS_KEYS = ['enabled', 'port', 'callers', 'maxOperationNames'] as const;
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** gateway.yaml's `metrics:` section: `{ enabled: true, port: 9464, callers: [agent-console], maxOperationNames: 100 }`. */
export function readMetrics(c: Checker, value: unknown): GatewayConfig['metrics'] {
  if (value === undefined) return undefined;
  const metrics = readMapping(c, value, ['metrics'], `a mapping with any of the keys ${METRICS_KEYS.join(', ')}`);
  if (!metrics) return undefined;
  checkKeys(c, metrics, ['metrics'], METRICS_KEYS);
  const out: NonNullable<GatewayConfig['metrics']> = {
    enabled: readBoolean(c, metrics, ['metrics'], 'enabled') ?? false,
    port: readIntInRange(c, metrics, ['metrics'], 'port', 0, 65_535),
    maxOperationNames: readIntInRange(c, metrics, ['metrics'], 'maxOperationNames', 1, 10_000),
    callers: [],
  };
  if (metrics.callers !== undefined) {
    if (!Array.isArray(metrics.callers)) {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of caller ids (callers.yaml, or anonymous) that get a label of their own; got ${describe(metrics.callers)}`, ['metrics', 'callers']);
    } else {
      metrics.callers.forEach((caller: unknown, i: number) => {
        if (typeof caller === 'string' && CALLER_ID.test(caller)) out.callers.push(caller);
        else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a caller id of 1 to 128 letters, digits, ".", "_", ":" or "-"; got ${describe(caller)}`, ['metrics', 'callers', String(i)]);
      });
    }
  }
  return out;
}
