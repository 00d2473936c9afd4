import type { CompiledOperation } from '../blueprint/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { readPath } from '../util/read-path.ts';
import { FetchFailure } from './fetch-failure.ts';
import { formatLocation, quoteNames } from './describe-answer.ts';

/**
 * What the keys of a batch answer that matched no item get, worked out only once some key did
 * not match (the common answer pays nothing). If items came back and none has the key field,
 * `batch.keyField` does not fit the answer: the whole batch is UPSTREAM_BAD_RESPONSE, thrown
 * here, saying "0 of N" and, in the diagnosis, the fields the items do have. Otherwise a key of a
 * one-to-many operation gets [] and any other key UPSTREAM_ENTITY_NOT_FOUND, whose diagnosis
 * says how many items lacked the key field, when some did.
 */
export function unmatchedKeys(op: CompiledOperation, items: readonly unknown[], keyPath: readonly string[]): (key: unknown) => unknown {
  const keyField = op.batch!.keyField;
  let withKey = 0;
  const fieldsOfOthers = new Set<string>();
  for (const item of items) {
    const k = readPath(item, keyPath);
    if (k !== undefined && k !== null) withKey += 1;
    else if (typeof item === 'object' && item !== null && !Array.isArray(item)) for (const name of Object.keys(item)) fieldsOfOthers.add(name);
  }
  const declaredAt = op.declaredAt.keyField ? ` (batch.keyField at ${formatLocation(op.declaredAt.keyField)})` : '';
  const details = { connector: op.connector, operation: op.name };
  const others = [...fieldsOfOthers];
  const lacking = items.length - withKey;
  if (items.length > 0 && withKey === 0) {
    throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${op.id} returned ${items.length} item${items.length === 1 ? '' : 's'}, none with the key field "${keyField}".`, {
      details,
      diagnosis: {
        text: `0 of ${items.length} returned items have "${keyField}"${declaredAt}; their fields are ${quoteNames(others)}.${didYouMean(keyField.split('.')[0]!, others)}`,
        facts: { keyField, items: items.length, withKeyField: 0, itemFields: others },
      },
    });
  }
  if (op.batch!.many) return () => [];
  const facts = { keyField, items: items.length, withKeyField: withKey, ...(lacking > 0 ? { itemFields: others } : {}) };
  return (key) => {
    const equal = `none equal to ${JSON.stringify(String(key))}`;
    const text =
      items.length === 0
        ? 'The answer had no items.'
        : lacking > 0
          ? `${withKey} of ${items.length} returned items have "${keyField}", ${equal}; the ${lacking} without it have ${quoteNames(others)}${declaredAt}.`
          : `All ${items.length} returned items have "${keyField}", ${equal}.`;
    return new FetchFailure(
      new UpstreamError(ErrorCodes.UPSTREAM_ENTITY_NOT_FOUND, `Upstream ${op.id} returned no item for key "${String(key)}".`, { details, httpStatus: 404, diagnosis: { text, facts } }),
    );
  };
}
