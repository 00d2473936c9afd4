import { ErrorCodes } from '../errors/codes.ts';
import type { GatewayConfig } from './types.ts';
import { checkKeys, describe, readBoolean, readMapping, report, type Checker } from './shape-checker.ts';

const SHARING_KEYS = ['operations', 'exceptOperations', 'exceptCallers'] as const;
/** GraphQL names (operation names) and callers.yaml ids: what each list may hold. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * gateway.yaml's `sharing:`: `{ operations: true, exceptOperations: [LivePanel], exceptCallers: [audit] }`.
 * Identical queries in flight share one execution unless turned off here, for all, for some
 * GraphQL operation names, or for some callers.
 */
export function readSharing(c: Checker, value: unknown, callerId: RegExp): GatewayConfig['sharing'] {
  if (value === undefined) return undefined;
  const section = readMapping(c, value, ['sharing'], `a mapping with any of the keys ${SHARING_KEYS.join(', ')}`);
  if (!section) return undefined;
  checkKeys(c, section, ['sharing'], SHARING_KEYS);
  return {
    operations: readBoolean(c, section, ['sharing'], 'operations') ?? true,
    exceptOperations: readNames(c, section.exceptOperations, 'exceptOperations', GRAPHQL_NAME, 'a GraphQL operation name such as AgentPanel'),
    exceptCallers: readNames(c, section.exceptCallers, 'exceptCallers', callerId, 'a caller id of callers.yaml such as billing'),
  };
}

function readNames(c: Checker, value: unknown, key: string, pattern: RegExp, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list, each item ${what}; got ${describe(value)}`, ['sharing', key]);
    return [];
  }
  const names: string[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item === 'string' && pattern.test(item)) names.push(item);
    else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected ${what}; got ${describe(item)}`, ['sharing', key, i]);
  });
  return names;
}
