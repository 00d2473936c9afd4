import { ErrorCodes } from '../errors/codes.ts';
import { MAX_NESTING, type LimitsConfig, type OperationLimits } from '../limits/operation-limits.ts';
import type { ConfigPath } from './types.ts';
import { checkKeys, readMapping, readPositiveInt, report, type Checker, type Mapping } from './shape-checker.ts';

/** Each limit and the largest value it may be set to. */
const LIMIT_MAXIMA: Readonly<Record<Exclude<keyof OperationLimits, 'defaultListSize'>, number>> = {
  maxDocumentBytes: 10_485_760, // 10 MiB
  maxTokens: 100_000,
  maxDepth: MAX_NESTING,
  maxAliases: 100_000,
  maxRootFields: 100_000,
  maxDirectives: 100_000,
  maxCost: 1_000_000_000,
};
const CALLER_KEYS = Object.keys(LIMIT_MAXIMA);
const TOP_KEYS = [...CALLER_KEYS, 'defaultListSize', 'callers'];

/**
 * gateway.yaml's `limits:` section: any limit gateway-wide, and per caller id under `callers:`
 * (`defaultListSize` is gateway-wide only: it shapes the cost measured once per document).
 */
export function readLimits(c: Checker, value: unknown, callerId: RegExp): LimitsConfig | undefined {
  if (value === undefined) return undefined;
  const limits = readMapping(c, value, ['limits'], `a mapping with any of the keys ${TOP_KEYS.join(', ')}`);
  if (!limits) return undefined;
  checkKeys(c, limits, ['limits'], TOP_KEYS);
  const out: LimitsConfig = { default: readLimitValues(c, limits, ['limits']), callers: {} };
  const listSize = readPositiveInt(c, limits, ['limits'], 'defaultListSize', 100_000);
  if (listSize !== undefined) out.default.defaultListSize = listSize;
  if (limits.callers === undefined) return out;
  const callers = readMapping(c, limits.callers, ['limits', 'callers'], 'a mapping of caller ids to their limits');
  for (const [caller, perCaller] of Object.entries(callers ?? {})) {
    const at = ['limits', 'callers', caller];
    if (!callerId.test(caller)) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a caller id of 1 to 128 letters, digits, ".", "_", ":" or "-"; got "${caller}"`, at, 'key');
    const mapping = readMapping(c, perCaller, at, `a mapping with any of the keys ${CALLER_KEYS.join(', ')}`);
    if (!mapping) continue;
    checkKeys(c, mapping, at, CALLER_KEYS);
    out.callers[caller] = readLimitValues(c, mapping, at);
  }
  return out;
}

function readLimitValues(c: Checker, mapping: Mapping, at: ConfigPath): Partial<OperationLimits> {
  const out: Partial<OperationLimits> = {};
  for (const [key, max] of Object.entries(LIMIT_MAXIMA)) {
    const read = readPositiveInt(c, mapping, at, key, max);
    if (read !== undefined) out[key as keyof typeof LIMIT_MAXIMA] = read;
  }
  return out;
}
