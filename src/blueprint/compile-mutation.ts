import type { GraphQLField, GraphQLObjectType } from 'graphql';
import type { ConnectorConfig } from '../config/types.ts';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { locateNode } from './graphql-location.ts';
import type { FieldIR } from './ir.ts';

/**
 * Checks a field of the `Mutation` root and fixes how its call is made. A mutation changes
 * something upstream, so its call is made exactly once per field of the document:
 * - never batched (a batch would merge several writes into one call): a batched operation is an error;
 * - never cached (a cached answer would skip the write): an operation with `cache: { ttlMs }` is an error;
 * - never retried unless its operation says `idempotent: true` in so many words. HTTP calls PUT and
 *   DELETE idempotent, but a retried call after a timeout may land twice on an upstream that does
 *   not honour that, so for a mutation only the operator's declaration counts, whatever the method.
 * De-duplication and pooling are the executor's side (execute/fetch-phase.ts calls it unshared).
 */
export function compileMutationField(
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  ir: FieldIR,
  connectors: readonly ConnectorConfig[],
  errors: ConfigError[],
): FieldIR {
  const where = `${type.name}.${field.name}`;
  const source = field.astNode?.directives?.find((d) => d.name.value === 'source');
  const fail = (code: typeof ErrorCodes.CONFIG_INVALID_VALUE | typeof ErrorCodes.CONFIG_UNSUPPORTED, message: string) =>
    errors.push(new ConfigError(code, message, { source: locateNode(source ?? field.astNode), configPath: `schemas.${where}.@source` }));
  if (field.astNode?.directives?.some((d) => d.name.value === 'computed')) {
    errors.push(
      new ConfigError(ErrorCodes.CONFIG_UNSUPPORTED, `expected ${where} to be bound with @source: a mutation field is a call upstream, @computed cannot stand for it`, {
        source: locateNode(field.astNode),
        configPath: `schemas.${where}`,
      }),
    );
    return ir;
  }
  if (ir.fallback) {
    const node = field.astNode?.directives?.find((d) => d.name.value === 'fallback');
    errors.push(
      new ConfigError(ErrorCodes.CONFIG_UNSUPPORTED, `expected no @fallback on ${where}: a write that failed must say so, not answer a stale or default value`, {
        source: locateNode(node ?? field.astNode),
        configPath: `schemas.${where}.@fallback`,
      }),
    );
  }
  const binding = ir.binding;
  if (!binding) return ir;
  const op = binding.operation;
  let ok = true;
  if (op.batch) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected ${where} to be bound to an unbatched operation: ${op.id} has a batch section, and a mutation is one call per field, never batched with others`);
    ok = false;
  }
  if (op.policy.cacheTtlMs !== undefined) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected ${where} to be bound to an operation without cache: ${op.id} caches answers for ${op.policy.cacheTtlMs} ms, and a cached answer would skip the write`);
    ok = false;
  }
  if (!ok) return ir;
  const declared = connectors.find((c) => c.name === op.connector)?.operations[op.name]?.resilience.idempotent;
  const idempotent = declared === true;
  if (op.policy.idempotent === idempotent) return ir;
  // Only this binding's calls change: a Query field bound to the same operation keeps its policy.
  const policy = Object.freeze({ ...op.policy, idempotent });
  // A marked request's write to the shadow is the same write: never retried unless declared either.
  const marked = op.marked?.kind === 'shadow' ? Object.freeze({ ...op.marked, operation: Object.freeze({ ...op.marked.operation, policy }) }) : op.marked;
  const operation = Object.freeze({ ...op, policy, marked });
  return { ...ir, binding: Object.freeze({ ...binding, operation }) };
}
