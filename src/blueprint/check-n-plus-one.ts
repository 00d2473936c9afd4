import { getNamedType, isAbstractType, isListType, isNonNullType, isObjectType, type GraphQLObjectType, type GraphQLSchema, type GraphQLType } from 'graphql';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { FieldIR } from './ir.ts';
import { locateNode } from './graphql-location.ts';

/**
 * Warns about fields bound to an unbatched operation that can be reached through a list: each
 * list item would cost one upstream call (the N+1 pattern). Walks types from Query, remembering
 * the first list field on the way, so the warning can name it.
 */
export function checkNPlusOne(schema: GraphQLSchema, fields: ReadonlyMap<string, ReadonlyMap<string, FieldIR>>): ConfigError[] {
  const warnings: ConfigError[] = [];
  const query = schema.getQueryType();
  if (!query) return warnings;
  const visited = new Set<string>();
  const mutation = schema.getMutationType();
  const queue: { type: GraphQLObjectType; viaList: string | undefined }[] = [{ type: query, viaList: undefined }, ...(mutation ? [{ type: mutation, viaList: undefined }] : [])];
  while (queue.length > 0) {
    const { type, viaList } = queue.shift()!;
    const state = `${type.name}|${viaList !== undefined}`;
    if (visited.has(state)) continue;
    visited.add(state);
    for (const ir of fields.get(type.name)?.values() ?? []) {
      const binding = ir.binding;
      if (viaList && binding && !binding.operation.batch) {
        warnings.push(
          new ConfigError(
            ErrorCodes.CONFIG_N_PLUS_ONE,
            `${type.name}.${ir.fieldName} is bound to the unbatched operation ${binding.operation.id}, but ${type.name} is reached through the list ${viaList}: one upstream call per list item. Bind it to an operation with a batch section.`,
            { source: locateNode(ir.definition.astNode), configPath: `schemas.${type.name}.${ir.fieldName}`, severity: 'warning' },
          ),
        );
      }
      const named = getNamedType(ir.definition.type);
      const nextViaList = viaList ?? (containsList(ir.definition.type) ? `${type.name}.${ir.fieldName}` : undefined);
      if (isObjectType(named)) queue.push({ type: named, viaList: nextViaList });
      // An interface or union leads to each of its object types.
      else if (isAbstractType(named)) for (const possible of schema.getPossibleTypes(named)) queue.push({ type: possible, viaList: nextViaList });
    }
  }
  return warnings;
}

function containsList(type: GraphQLType): boolean {
  const t = isNonNullType(type) ? type.ofType : type;
  return isListType(t);
}
