import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { ConnectorConfig, OperationConfig } from '../config/types.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import type { CompiledPagination } from './ir.ts';

/** Checks `pagination:` against its operation (unbatched, a declared Int limit param) and freezes it. */
export function compilePagination(connector: ConnectorConfig, op: OperationConfig, errors: ConfigError[]): CompiledPagination | undefined {
  const p = op.pagination;
  if (!p) return undefined;
  const at = ['operations', op.name, 'pagination'];
  const fail = (code: typeof ErrorCodes.CONFIG_INVALID_VALUE | typeof ErrorCodes.CONFIG_UNKNOWN_REFERENCE, message: string, key?: string) =>
    errors.push(
      new ConfigError(code, message, {
        source: connector.sourceMap.locate(key ? [...at, key] : at, key ? 'value' : 'key'),
        configPath: `connectors.${connector.name}.${[...at, ...(key ? [key] : [])].join('.')}`,
      }),
    );
  // A batch answers many keys at once; its pages would mix keys, so paging it has no sound meaning.
  if (op.batch) fail(ErrorCodes.CONFIG_INVALID_VALUE, 'expected pagination on an unbatched operation; this one has a batch section');
  if (p.limitParam !== undefined) {
    const type = op.params[p.limitParam]?.type;
    const declared = Object.keys(op.params);
    if (type === undefined) {
      const known = declared.length ? ` (${declared.join(', ')})` : '';
      fail(ErrorCodes.CONFIG_UNKNOWN_REFERENCE, `expected a declared param${known}; got "${p.limitParam}".${didYouMean(p.limitParam, declared)}`.replace(/\.$/, ''), 'limitParam');
    } else if (type !== 'Int' && type !== 'Int!') {
      fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected the limit param "${p.limitParam}" to be declared Int or Int!; it is ${type}`, 'limitParam');
    }
  }
  const inTemplate = p.requestParam in op.query || (p.sizeParam !== undefined && p.sizeParam in op.query);
  if (inTemplate) {
    const name = p.requestParam in op.query ? p.requestParam : p.sizeParam!;
    fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected the gateway to set query parameter "${name}" on each page; the operation's query sets it too`);
  }
  return Object.freeze({ ...p, cursorPath: Object.freeze(p.cursorPath === '' ? [] : p.cursorPath.split('.')) });
}
