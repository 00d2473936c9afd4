import { getNamedType, isLeafType, isListType, isNonNullType, Kind, print, type ArgumentNode, type FieldNode } from 'graphql';
import type { Blueprint, FieldIR } from '../blueprint/index.ts';
import { ErrorCodes, type ErrorCode } from '../errors/codes.ts';
import { ExprError, RequestError } from '../errors/gateway-error.ts';
import { CALLER_LIMITS, compileExpression, type CompiledExpression, type ShapeField, type VariableDecl } from '../expr/index.ts';
import { applyListTransform, type ListTransform } from '../postprocess/index.ts';

/** Longest list a caller's transform accepts. */
const CALLER_MAX_TRANSFORM_ITEMS = 10_000;
/** Items × estimated cost per item, for one list: about 0.1 s of evaluation at worst (measured ~2.5M steps/s). */
const CALLER_MAX_TRANSFORM_COST = 200_000;

/** A caller's `@transform`, compiled once per cached plan. */
export interface CallerTransform {
  label: string;
  /** The item fields its expressions read. */
  itemFields: readonly ShapeField[];
  /** Throws RequestError BAD_EXPRESSION when an expression fails on the data. */
  run(list: readonly unknown[]): unknown[];
}

const NO_ARGS = new Map();

/**
 * Compiles the `@transform(filter:, sortBy:, descending:, limit:)` a caller put on a list field.
 * Caller expressions are untrusted: CALLER_LIMITS apply (no regex, one level of map/filter,
 * small cost), they see only plain fields of the item, and they see them masked, so a filter
 * can never probe a value the caller would get masked. Anything refused is BAD_EXPRESSION with
 * the argument and the position inside the expression.
 */
export function compileCallerTransform(blueprint: Blueprint, ir: FieldIR, fieldNodes: readonly FieldNode[]): CallerTransform | undefined {
  const directive = fieldNodes.flatMap((n) => n.directives ?? []).find((d) => d.name.value === 'transform');
  if (!directive) return undefined;
  const where = `${ir.typeName}.${ir.fieldName}`;
  const type = isNonNullType(ir.definition.type) ? ir.definition.type.ofType : ir.definition.type;
  if (!isListType(type)) throw badExpression(ErrorCodes.EXPR_TYPE_MISMATCH, `@transform applies to list fields; ${where} is ${String(ir.definition.type)}`, undefined);

  const itemType = getNamedType(type);
  const itemIsLeaf = isLeafType(itemType);
  const itemFields = itemIsLeaf ? undefined : blueprint.views.objectFields(itemType.name, true);
  const item: VariableDecl = itemFields ? { kind: 'object', typeName: itemType.name, fields: new Set(itemFields.map((f) => f.name)) } : { kind: 'value' };

  const args = new Map((directive.arguments ?? []).map((a) => [a.name.value, a] as const));
  const expression = (name: string): CompiledExpression | undefined => {
    const arg = args.get(name);
    if (!arg || arg.value.kind === Kind.NULL) return undefined;
    const text = literalString(arg, name);
    try {
      return compileExpression(text, { limits: CALLER_LIMITS, variables: { item }, expect: name === 'filter' ? 'bool' : undefined });
    } catch (error) {
      if (error instanceof ExprError) throw fromExprError(error, name);
      throw error;
    }
  };
  const filter = expression('filter');
  const sortBy = expression('sortBy');
  const descendingArg = args.get('descending');
  if (descendingArg && descendingArg.value.kind !== Kind.BOOLEAN) throw notLiteral('descending');
  const descending = descendingArg?.value.kind === Kind.BOOLEAN && descendingArg.value.value;
  const limitArg = args.get('limit');
  let limit: number | undefined;
  if (limitArg && limitArg.value.kind !== Kind.NULL) {
    if (limitArg.value.kind !== Kind.INT) throw notLiteral('limit');
    limit = Number(limitArg.value.value);
    if (limit < 0) throw badExpression(ErrorCodes.EXPR_LIMIT_EXCEEDED, 'limit: expected a whole number ≥ 0', 'limit');
  }
  if (!filter && !sortBy && limit === undefined) return undefined;

  const reads = new Set([filter, sortBy].flatMap((e) => e?.reads.get('item') ?? []));
  const transform: ListTransform = {
    filter,
    map: undefined,
    sortBy,
    descending,
    limit,
    limits: CALLER_LIMITS,
    itemFields: itemFields?.filter((f) => reads.has(f.name)),
    itemShape: blueprint.views.shapeOf(itemType as never, true),
    maxItems: CALLER_MAX_TRANSFORM_ITEMS,
    maxTotalCost: CALLER_MAX_TRANSFORM_COST,
  };
  return {
    itemFields: transform.itemFields ?? [],
    label: `@transform(${(directive.arguments ?? []).map((a) => `${a.name.value}: ${print(a.value)}`).join(', ')})`,
    run(list) {
      try {
        return applyListTransform(list, transform, NO_ARGS);
      } catch (error) {
        if (error instanceof ExprError) throw fromExprError(error, argumentOf(error));
        throw error;
      }
    },
  };
}

/** Which argument failed at run time (applyListTransform tags its errors). */
function argumentOf(error: ExprError): string {
  return typeof error.details.argument === 'string' ? error.details.argument : 'filter';
}

function literalString(arg: ArgumentNode, name: string): string {
  if (arg.value.kind !== Kind.STRING) throw notLiteral(name);
  return arg.value.value;
}

function notLiteral(name: string): RequestError {
  return badExpression(ErrorCodes.EXPR_FORBIDDEN, `${name}: expected a literal in the query (variables are not accepted here, so the expression is compiled once per cached plan)`, name);
}

function fromExprError(error: ExprError, argument: string): RequestError {
  return badExpression(error.code, `${argument}: ${error.message}`, argument, error.position && { line: error.position.line, column: error.position.column });
}

function badExpression(reason: ErrorCode, message: string, argument: string | undefined, position?: { line: number; column: number }): RequestError {
  const details: Record<string, unknown> = { reason };
  if (argument) details.argument = argument;
  if (position) details.position = position;
  return new RequestError(ErrorCodes.BAD_EXPRESSION, message, { details });
}
