import { ErrorCodes } from '../../errors/codes.ts';
import type { ConfigPath, OperationConfig } from '../../config/types.ts';
import { readOperationResilience } from '../../config/check-resilience-shape.ts';
import { checkKeys, readBoolean, readMapping, readPositiveInt, readString, report, type Checker, type Mapping } from '../../config/shape-checker.ts';
import { MAX_TIMEOUT_MS, NAME, NAME_RULE, readBatch, readParams, required } from '../../config/check-connector-shape.ts';
import { isMappingWith } from './read-rpc-settings.ts';

/** How one RPC transport names its parts in the messages of a misspelt operation. */
export interface RpcOperationWords {
  /** The keys an operation of this transport may have. */
  keys: readonly string[];
  /** e.g. 'a method of the service, e.g. "GetRiskScores"'. */
  rpc: string;
  /** What `request:` maps, e.g. "request message field names". */
  request: string;
  /** What `result:` reads, e.g. "the response message, e.g. \"scores\"". */
  result: string;
  /** Why a batch has no keyStyle here: where its keys go instead. */
  keyStyle: string;
}

/** An RPC connector's `operations:` mapping, each name checked and each operation read by `readRpcOperation`. */
export function readRpcOperations(c: Checker, value: Mapping, words: RpcOperationWords): Record<string, OperationConfig> {
  const operations: Record<string, OperationConfig> = {};
  if (!required(c, value, [], 'operations')) return operations;
  const ops = readMapping(c, value.operations, ['operations'], 'a mapping of operation names to operations');
  for (const [opName, op] of Object.entries(ops ?? {})) {
    const at = ['operations', opName];
    if (!NAME.test(opName)) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an operation name (${NAME_RULE}); got "${opName}"`, at, 'key');
    const checked = readRpcOperation(c, opName, op, at, words);
    if (checked) operations[opName] = checked;
  }
  return operations;
}

/**
 * One operation of an RPC connector (gRPC, Thrift): a method (`rpc`), a request template, and
 * the params, batch, result and resilience keys every connector has. No HTTP verb travels over
 * RPC; POST makes an operation non-idempotent unless it (or its IDL) says otherwise.
 */
export function readRpcOperation(c: Checker, name: string, value: unknown, at: ConfigPath, words: RpcOperationWords): OperationConfig | undefined {
  const op = readMapping(c, value, at, 'an operation: a mapping with at least an "rpc" key');
  if (!op) return undefined;
  checkKeys(c, op, at, words.keys);
  const rpc = required(c, op, at, 'rpc') ? readString(c, op, at, 'rpc', `the name of ${words.rpc}`) : undefined;
  if (op.request !== undefined) readMapping(c, op.request, [...at, 'request'], `a mapping of ${words.request} to values or templates`);
  const result = op.result === undefined ? '' : readString(c, op, at, 'result', `a dot path into ${words.result}`);
  const batch = op.batch === undefined ? undefined : readBatch(c, op.batch, [...at, 'batch']);
  if (isMappingWith(op.batch, 'keyStyle')) report(c, ErrorCodes.CONFIG_UNKNOWN_KEY, `expected no keyStyle in ${words.keyStyle}`, [...at, 'batch', 'keyStyle'], 'key');
  return {
    name,
    method: 'POST',
    path: '',
    query: {},
    headers: {},
    body: op.request ?? {},
    params: readParams(c, op.params, [...at, 'params']),
    batch,
    result: result ?? '',
    timeoutMs: readPositiveInt(c, op, at, 'timeoutMs', MAX_TIMEOUT_MS),
    resilience: readOperationResilience(c, op, at),
    rpc: rpc ?? '',
    ...(words.keys.includes('mutates') && readBoolean(c, op, at, 'mutates') ? { mutates: true } : {}),
  };
}
