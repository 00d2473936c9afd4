import { getNamedType, isEnumType, isListType, isNonNullType, isObjectType, isScalarType, type GraphQLInputType, type GraphQLOutputType } from 'graphql';
import type { ShapeField, ValueShape } from '../expr/index.ts';
import { applyValuePipeline } from '../postprocess/index.ts';
import type { ExprViews, FieldIR } from './ir.ts';
import { readPath } from '../util/read-path.ts';

/**
 * Builds the views expressions see of our values: public field names, Int as CEL int, Float
 * as double. Object shapes are computed on first use and memoised, so recursive types work.
 * Masked views apply each field's value directives, so a caller's filter never sees what the
 * caller could not read.
 */
export function createExprViews(fields: ReadonlyMap<string, ReadonlyMap<string, FieldIR>>): ExprViews {
  const memo = new Map<string, readonly ShapeField[]>();
  const views: ExprViews = {
    objectFields(typeName, masked) {
      const key = `${masked ? 'm' : 'r'}:${typeName}`;
      let list = memo.get(key);
      if (list) return list;
      list = [...(fields.get(typeName)?.values() ?? [])]
        .filter((ir) => !ir.binding && !ir.post?.computed)
        .map((ir): ShapeField => {
          const pipeline = masked ? ir.post?.pipeline : undefined;
          const from = ir.from;
          return {
            name: ir.fieldName,
            shape: views.shapeOf(ir.definition.type, masked),
            read: pipeline ? (raw) => applyValuePipeline(readPath(raw, from), pipeline) : (raw) => readPath(raw, from),
          };
        });
      memo.set(key, list);
      return list;
    },
    shapeOf(type, masked) {
      return shapeOf(type, masked, views);
    },
  };
  return views;
}

function shapeOf(type: GraphQLOutputType | GraphQLInputType, masked: boolean, views: ExprViews): ValueShape {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return { kind: 'list', of: shapeOf(inner.ofType, masked, views) };
  if (isObjectType(inner)) return { kind: 'object', fields: () => views.objectFields(inner.name, masked) };
  if (isEnumType(inner)) return { kind: 'string' };
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'Int':
        return { kind: 'int' };
      case 'Float':
        return { kind: 'float' };
      case 'String':
      case 'ID':
        return { kind: 'string' };
      case 'Boolean':
        return { kind: 'bool' };
    }
  }
  return { kind: 'json' };
}

/** The typed view of a field's arguments (`args` in expressions). */
export function argumentFields(args: readonly { name: string; type: GraphQLInputType }[], views: ExprViews): ShapeField[] {
  return args.map((arg) => ({
    name: arg.name,
    read: (raw: object) => (raw as Record<string, unknown>)[arg.name],
    shape: shapeOf(arg.type, false, views),
  }));
}

/** Names the leaf type under lists and non-null, for directive checks. */
export function namedTypeName(type: GraphQLOutputType): string {
  return getNamedType(type).name;
}

