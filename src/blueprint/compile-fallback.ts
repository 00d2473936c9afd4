import { getNamedType, isLeafType, Kind, valueFromASTUntyped, type ConstArgumentNode, type ConstDirectiveNode, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { locateNode } from './graphql-location.ts';
import { serializeLeaf } from './serialize-leaf.ts';
import type { FieldFallback } from './ir.ts';

/**
 * `@fallback` on a bound field: what to answer when its upstream call fails. `staleForMs` serves
 * the last good value of the field (same arguments, same parent) if it is at most that old;
 * `value` is a static default. With both, a stale value is preferred and the default is the last
 * resort. Either way the response's `extensions.fallbacks` names the path, so callers know.
 */
export const FALLBACK_DIRECTIVE_SDL = /* GraphQL */ `
directive @fallback(value: _TesseraFallbackValue, staleForMs: Int) on FIELD_DEFINITION
scalar _TesseraFallbackValue
`;
export const FALLBACK_DIRECTIVE = 'fallback';
export const FALLBACK_PRELUDE_TYPE = '_TesseraFallbackValue';

// setTimeout's limit; a stale value older than ~24 days is not a fallback anyone wants.
const MAX_STALE_MS = 2_147_483_647;

/** Compiles a field's `@fallback`; reports misuse with the directive's position. */
export function compileFallback(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, bound: boolean, errors: ConfigError[]): FieldFallback | undefined {
  const directive = field.astNode?.directives?.find((d) => d.name.value === FALLBACK_DIRECTIVE);
  if (!directive) return undefined;
  const where = `${parent.name}.${field.name}`;
  const fail = (message: string, node: ConstDirectiveNode | ConstArgumentNode) =>
    errors.push(new ConfigError(ErrorCodes.CONFIG_INVALID_VALUE, message, { source: locateNode(node), configPath: `schemas.${where}.@fallback` }));

  if (!bound) {
    fail(`expected @fallback only on a field bound with @source: ${where} has no upstream call that could fail`, directive);
    return undefined;
  }
  const valueArg = directive.arguments?.find((a) => a.name.value === 'value');
  const staleArg = directive.arguments?.find((a) => a.name.value === 'staleForMs');
  if (!valueArg && !staleArg) {
    fail('expected value: (a static default) and/or staleForMs: (serve the last good value up to this age)', directive);
    return undefined;
  }
  let staleForMs: number | undefined;
  if (staleArg) {
    const ms = staleArg.value.kind === Kind.INT ? Number(staleArg.value.value) : NaN;
    if (!(ms > 0 && ms <= MAX_STALE_MS)) fail(`expected staleForMs to be a positive integer of at most ${MAX_STALE_MS}; got ${staleArg.value.kind === Kind.INT ? staleArg.value.value : 'a non-integer'}`, staleArg);
    else staleForMs = ms;
  }
  let hasValue = false;
  let value: unknown;
  if (valueArg) {
    value = valueFromASTUntyped(valueArg.value);
    const named = getNamedType(field.type);
    // A leaf default is checked now; an object default is completed like any upstream object.
    if (isLeafType(named) && value !== null && !Array.isArray(value)) {
      try {
        serializeLeaf(named, value);
        hasValue = true;
      } catch {
        fail(`expected value to be a ${named.name} for ${where}; got ${JSON.stringify(value)}`, valueArg);
      }
    } else {
      hasValue = true;
    }
  }
  if (staleForMs === undefined && !hasValue) return undefined;
  return Object.freeze({ staleForMs, hasValue, value, coordinate: where });
}
