import {
  getNamedType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type ConstValueNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import { ConfigError, ExprError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { compileExpression, OPERATOR_LIMITS, type CompiledExpression, type VariableDecl } from '../expr/index.ts';
import type { ListTransform, ValueStep } from '../postprocess/index.ts';
import { argumentFields } from './expr-views.ts';
import { locateNode } from './graphql-location.ts';
import type { ComputedField, ComputedInput, FieldPost } from './ir.ts';
import { argNode, fail, intArg, stringArg, type DirectiveContext } from './directive-args.ts';
import { compileFormat, compileMask, compileUnit, compileValueMap, leafValue } from './compile-value-directives.ts';

/** The post-processing directives, declared by the gateway (removed from the public schema). */
export const POST_DIRECTIVES_SDL = /* GraphQL */ `
directive @computed(expr: String!) on FIELD_DEFINITION
directive @transform(filter: String, map: String, sortBy: String, descending: Boolean = false, limit: Int) on FIELD_DEFINITION
directive @mask(keepLast: Int, email: Boolean, unmaskScope: String) on FIELD_DEFINITION
directive @format(date: String, timeZone: String = "UTC", decimals: Int, locale: String = "en-US") on FIELD_DEFINITION
directive @default(value: _TesseraValue!) on FIELD_DEFINITION
directive @valueMap(map: _TesseraValue!, fallback: _TesseraValue) on FIELD_DEFINITION
directive @unit(from: String!, to: String!, decimals: Int) on FIELD_DEFINITION
scalar _TesseraValue
`;
export const POST_DIRECTIVE_NAMES = ['computed', 'transform', 'mask', 'format', 'default', 'valueMap', 'unit'] as const;

/** Longest list an operator transform accepts (upstream lists longer than this are an error). */
const OPERATOR_MAX_TRANSFORM_ITEMS = 100_000;

/** The `request` variable: what an expression may know of the request it runs in. */
export const REQUEST_FIELDS = ['id', 'nowMs'] as const;

/**
 * Compiles one field's post-processing directives. Runs after every field's binding is known,
 * because a computed field must know which parent fields are bound (the planner fetches those).
 */
export function compilePost(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, ctx: Omit<DirectiveContext, 'parent' | 'field'>): FieldPost | undefined {
  const directives = (field.astNode?.directives ?? []).filter((d) => (POST_DIRECTIVE_NAMES as readonly string[]).includes(d.name.value));
  if (directives.length === 0) return undefined;
  const c: DirectiveContext = { ...ctx, parent, field };
  const byName = new Map(directives.map((d) => [d.name.value, d]));
  const labels: string[] = [];
  let computed: ComputedField | undefined;
  let transform: ListTransform | undefined;
  const steps: ValueStep[] = [];
  let defaultValue: unknown;
  let hasDefault = false;

  const computedDirective = byName.get('computed');
  if (computedDirective) {
    computed = compileComputed(c, computedDirective);
    if (computed) labels.push(`computed(${computed.expr.source})`);
  }
  const transformDirective = byName.get('transform');
  if (transformDirective) {
    transform = compileOperatorTransform(c, transformDirective);
    if (transform) labels.push(`transform(${describeTransform(transformDirective)})`);
  }
  const valueMap = byName.get('valueMap');
  if (valueMap) pushStep(steps, labels, compileValueMap(c, valueMap));
  const unit = byName.get('unit');
  if (unit) pushStep(steps, labels, compileUnit(c, unit));
  const format = byName.get('format');
  if (format) pushStep(steps, labels, compileFormat(c, format));
  const mask = byName.get('mask');
  if (mask) pushStep(steps, labels, compileMask(c, mask));
  const defaultDirective = byName.get('default');
  if (defaultDirective) {
    const node = argNode(defaultDirective, 'value');
    if (node) {
      const value = leafValue(c, node, field.type);
      if (value !== undefined) {
        defaultValue = value;
        hasDefault = true;
        labels.push(`default(${JSON.stringify(value)})`);
      }
    }
  }
  const pipeline = steps.length > 0 || hasDefault ? { steps, defaultValue, hasDefault } : undefined;
  return Object.freeze({ computed, transform, transformArgs: argumentFields(field.args, ctx.views), pipeline, labels });
}

function pushStep(steps: ValueStep[], labels: string[], step: ValueStep | undefined): void {
  if (!step) return;
  steps.push(step);
  labels.push(step.label);
}

function compileComputed(c: DirectiveContext, directive: ConstDirectiveNode): ComputedField | undefined {
  const where = `${c.parent.name}.${c.field.name}`;
  const conflicting = c.field.astNode?.directives?.find((d) => d.name.value === 'source' || d.name.value === 'map');
  if (conflicting) {
    fail(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected @computed alone: ${where} cannot be both computed and read with @${conflicting.name.value}`, conflicting);
    return undefined;
  }
  const exprArg = stringArg(directive, 'expr');
  if (!exprArg) return undefined;
  const parentFields = c.fields.get(c.parent.name)!;
  const readable = new Set([...parentFields.keys()].filter((name) => name !== c.field.name));
  const expr = compileOrReport(c, exprArg.value, exprArg.node, {
    parent: { kind: 'object', typeName: c.parent.name, fields: readable },
    args: { kind: 'object', typeName: `the arguments of ${where}`, fields: new Set(c.field.args.map((a) => a.name)) },
    request: { kind: 'object', typeName: 'request', fields: new Set(REQUEST_FIELDS) },
  }, kindOfType(c.field.type));
  if (!expr) return undefined;
  const inputs: ComputedInput[] = [];
  for (const name of expr.reads.get('parent') ?? []) {
    const ir = parentFields.get(name)!;
    // The binding schema's field keeps its directives (the IR's definition is the public one).
    const isComputed = c.parent.getFields()[name]?.astNode?.directives?.some((d) => d.name.value === 'computed');
    if (isComputed) {
      fail(c, ErrorCodes.CONFIG_INVALID_EXPRESSION, `expected ${where} to read plain or @source fields; parent.${name} is itself computed`, exprArg.node, 1);
      return undefined;
    }
    inputs.push({ name, shape: c.views.shapeOf(ir.definition.type, false), from: ir.from, bound: ir.binding !== undefined });
  }
  return { expr, inputs, args: argumentFields(c.field.args, c.views) };
}

function compileOperatorTransform(c: DirectiveContext, directive: ConstDirectiveNode): ListTransform | undefined {
  const where = `${c.parent.name}.${c.field.name}`;
  const listType = unwrapNonNull(c.field.type);
  if (!isListType(listType)) {
    fail(c, ErrorCodes.CONFIG_TYPE_MISMATCH, `expected @transform on a list field; ${where} is ${String(c.field.type)}`, directive);
    return undefined;
  }
  const itemType = listType.ofType as GraphQLOutputType;
  const itemIsLeaf = isLeafType(getNamedType(itemType)) && !isListType(unwrapNonNull(itemType));
  const itemVar: VariableDecl = itemIsLeaf
    ? { kind: 'value' }
    : { kind: 'object', typeName: getNamedType(itemType).name, fields: new Set(c.views.objectFields(getNamedType(itemType).name, false).map((f) => f.name)) };
  const variables = { item: itemVar, args: { kind: 'object', typeName: `the arguments of ${where}`, fields: new Set(c.field.args.map((a) => a.name)) } } as const;
  const compileArg = (name: string, expect?: ReturnType<typeof kindOfType>): CompiledExpression | undefined | null => {
    const arg = stringArg(directive, name);
    if (!arg) return undefined;
    return compileOrReport(c, arg.value, arg.node, variables, expect) ?? null;
  };
  const filter = compileArg('filter', 'bool');
  const map = compileArg('map', kindOfType(itemType));
  const sortBy = compileArg('sortBy');
  if (filter === null || map === null || sortBy === null) return undefined;
  if (map && !itemIsLeaf) {
    fail(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected map only on lists of scalars; ${where} is a list of ${getNamedType(itemType).name} (select fields instead)`, argNode(directive, 'map'));
    return undefined;
  }
  const limit = intArg(c, directive, 'limit');
  if (limit === null) return undefined;
  const descending = argNode(directive, 'descending')?.kind === Kind.BOOLEAN && (argNode(directive, 'descending') as { value: boolean }).value;
  if (!filter && !map && !sortBy && limit === undefined) {
    fail(c, ErrorCodes.CONFIG_MISSING_PARAM, 'expected at least one of filter, map, sortBy or limit', directive);
    return undefined;
  }
  const reads = new Set([filter, map, sortBy].flatMap((e) => e?.reads.get('item') ?? []));
  return {
    filter,
    map,
    sortBy,
    descending,
    limit,
    limits: OPERATOR_LIMITS,
    itemFields: itemIsLeaf ? undefined : c.views.objectFields(getNamedType(itemType).name, false).filter((f) => reads.has(f.name)),
    itemShape: c.views.shapeOf(itemType, false),
    maxItems: OPERATOR_MAX_TRANSFORM_ITEMS,
    // Operator expressions are reviewed config: the item count and per-item cost bound them.
    maxTotalCost: Number.POSITIVE_INFINITY,
  };
}

/** Compiles an operator expression; on failure reports a config error pointing into the string. */
function compileOrReport(
  c: DirectiveContext,
  source: string,
  node: ConstValueNode,
  variables: Readonly<Record<string, VariableDecl>>,
  expect?: ReturnType<typeof kindOfType>,
): CompiledExpression | undefined {
  try {
    return compileExpression(source, { limits: OPERATOR_LIMITS, variables, expect });
  } catch (error) {
    if (!(error instanceof ExprError)) throw error;
    const at = locateNode(node);
    const position = error.position;
    // Single-line strings: the expression starts one column after the opening quote.
    const source2 = position && position.line === 1 ? { ...at, column: at.column + position.column } : position ? { ...at, line: at.line + position.line - 1, column: position.column } : at;
    c.errors.push(
      new ConfigError(ErrorCodes.CONFIG_INVALID_EXPRESSION, `${error.code}: ${error.message}`, {
        source: source2,
        configPath: `schemas.${c.parent.name}.${c.field.name}`,
      }),
    );
    return undefined;
  }
}

/** The expression result kind a field of this type needs; undefined when any will do. */
function kindOfType(type: GraphQLOutputType): 'bool' | 'number' | 'string' | 'list' | 'map' | undefined {
  const inner = unwrapNonNull(type);
  if (isListType(inner)) return 'list';
  const named = getNamedType(inner);
  if (!isLeafType(named)) return 'map';
  switch (named.name) {
    case 'String':
    case 'ID':
      return 'string';
    case 'Int':
    case 'Float':
      return 'number';
    case 'Boolean':
      return 'bool';
    default:
      return isEnumType(named) ? 'string' : undefined;
  }
}

function unwrapNonNull(type: GraphQLOutputType): GraphQLOutputType {
  return isNonNullType(type) ? type.ofType : type;
}

function describeTransform(directive: ConstDirectiveNode): string {
  return (directive.arguments ?? [])
    .map((a) => `${a.name.value}: ${a.value.kind === Kind.STRING ? JSON.stringify(a.value.value) : String(valueFromASTUntyped(a.value))}`)
    .join(', ');
}
