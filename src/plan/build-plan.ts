import {
  GraphQLSkipDirective,
  GraphQLIncludeDirective,
  getDirectiveValues,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Blueprint, CompiledPagination, FieldBinding } from '../blueprint/index.ts';
import { RequestError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { invariant } from '../util/invariant.ts';
import type { Completion, FetchStep, Plan, PlanField, TransformStep } from './plan.ts';
import { selectFields } from './passes/select-fields.ts';
import { dependencyNode, planPost } from './plan-post.ts';
import { describeRequirement, satisfies } from '../blueprint/compile-access.ts';
import { argumentReader } from './argument-reader.ts';

export interface PlanInput {
  blueprint: Blueprint;
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Coerced variables; only those used by @skip/@include influence the plan. */
  variables: Readonly<Record<string, unknown>>;
  /**
   * The verified caller's scopes: fields it may not read are planned as `forbidden` (no fetch),
   * and masks it may lift are left out. Undefined while authentication is off: no check at all.
   */
  scopes?: ReadonlySet<string> | undefined;
}

/**
 * Turns a validated operation into a Plan: collects fields (fragments, aliases, @skip/@include),
 * attaches each field's binding and completion, and lists the fetches in dependency stages.
 * Nothing here does I/O; the result is cached by the caller.
 */
export function buildPlan(input: PlanInput): Plan {
  const { blueprint, operation } = input;
  if (operation.operation === 'subscription') {
    throw new RequestError(ErrorCodes.REQUEST_OPERATION_NOT_SUPPORTED, 'Subscriptions are not supported; send a query or a mutation.');
  }
  const isMutation = operation.operation === 'mutation';
  const rootType = isMutation ? blueprint.schema.getMutationType() : blueprint.schema.getQueryType();
  if (!rootType) throw new RequestError(ErrorCodes.REQUEST_OPERATION_NOT_SUPPORTED, 'This schema has no Mutation type; only queries are supported.');
  const fetches: FetchStep[] = [];
  const transforms: TransformStep[] = [];
  const state: PlanState = { ...input, fetches, transforms, hasIntrospection: false, stageBase: 0, typeCondition: undefined };
  const rootFields = isMutation ? planSerialRoot(state, rootType, operation.selectionSet) : planSelection(state, rootType, [operation.selectionSet], '', undefined, undefined);
  selectFields(blueprint, rootFields);
  return Object.freeze({
    operationName: operation.name?.value,
    operationType: isMutation ? 'mutation' : 'query',
    rootType: rootType.name,
    rootFields,
    fetches,
    transforms,
    hasIntrospection: state.hasIntrospection,
  });
}

/** Passed as the dependencies of a field planned as a dependency itself. */
const FOR_DEPENDENCY: ReadonlyMap<string, PlanField> = new Map();

type PlanState = PlanInput & {
  fetches: FetchStep[];
  transforms: TransformStep[];
  hasIntrospection: boolean;
  /** The stage a root fetch follows: 0, or for a mutation's next root field the last stage of the one before. */
  stageBase: number;
  /** The innermost `... on Type` branch of an interface or union being planned, if any. */
  typeCondition: string | undefined;
};

/**
 * A mutation's root fields, each after the whole of the one before (spec §6.2.2, serial
 * execution): every fetch of root field n + 1, its own included, comes in a later stage than any
 * fetch of root field n, and explain says which root call each one waits for.
 */
function planSerialRoot(state: PlanState, rootType: GraphQLObjectType, selectionSet: SelectionSetNode): PlanField[] {
  const grouped = new Map<string, FieldNode[]>();
  collectFields(state, rootType, selectionSet, grouped, new Set());
  const out: PlanField[] = [];
  let previous: FetchStep | undefined;
  for (const [responseKey, nodes] of grouped) {
    state.stageBase = state.fetches.reduce((max, f) => Math.max(max, f.stage), 0);
    // Mutation fields cannot be @computed (blueprint/compile-mutation.ts): no dependencies to fetch.
    const field = planField(state, rootType, responseKey, nodes, '', undefined, undefined, NO_DEPENDENCIES);
    if (field.fetch) {
      field.fetch.mutation = true;
      if (previous) field.fetch.serialAfter = previous.id;
      previous = field.fetch;
    }
    out.push(field);
  }
  state.stageBase = 0;
  return out;
}

const NO_DEPENDENCIES: ReadonlyMap<string, PlanField> = new Map();

function planSelection(
  state: PlanState,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  path: string,
  parentFetch: FetchStep | undefined,
  itemsOf: FieldBinding | undefined,
): PlanField[] {
  const grouped = new Map<string, FieldNode[]>();
  for (const set of selectionSets) collectFields(state, type, set, grouped, new Set());
  const out: PlanField[] = [];
  // Bound fields that computed fields read: fetched (once per level) even if the caller did not select them.
  const dependencies = new Map<string, PlanField>();
  for (const [responseKey, nodes] of grouped) {
    const computed = state.blueprint.fields.get(type.name)?.get(nodes[0]!.name.value)?.post?.computed;
    for (const input of computed?.inputs ?? []) {
      if (!input.bound || dependencies.has(input.name)) continue;
      const dependency = planField(state, type, input.name, [dependencyNode(input.name)], path, parentFetch, itemsOf, FOR_DEPENDENCY);
      if (dependency.fetch) dependency.fetch.neededBy = `${type.name}.${nodes[0]!.name.value} at ${path ? `${path}.` : ''}${responseKey}`;
      dependencies.set(input.name, { ...dependency, kind: 'dependency' });
    }
    out.push(planField(state, type, responseKey, nodes, path, parentFetch, itemsOf, dependencies));
  }
  out.push(...dependencies.values());
  return out;
}

/** graphql-js's CollectFields (spec §6.3.2) for one object type: an interface or union is planned once per concrete type. */
function collectFields(
  state: PlanState,
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  grouped: Map<string, FieldNode[]>,
  visitedFragments: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (!shouldInclude(state, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const list = grouped.get(key);
      if (list) list.push(selection);
      else grouped.set(key, [selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!typeConditionMatches(state, selection.typeCondition?.name.value, type)) continue;
      collectFields(state, type, selection.selectionSet, grouped, visitedFragments);
    } else {
      const name = selection.name.value;
      if (visitedFragments.has(name)) continue;
      visitedFragments.add(name);
      const fragment = state.fragments.get(name);
      if (!fragment || !typeConditionMatches(state, fragment.typeCondition.name.value, type)) continue;
      collectFields(state, type, fragment.selectionSet, grouped, visitedFragments);
    }
  }
}

function typeConditionMatches(state: PlanState, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (condition === undefined) return true;
  const conditionType = state.blueprint.schema.getType(condition);
  if (conditionType === type) return true;
  // `... on Named` inside a Person selection applies when Person implements Named (or is in the union).
  return conditionType !== undefined && isAbstractType(conditionType) && state.blueprint.schema.isSubType(conditionType, type);
}

function shouldInclude(state: PlanState, node: { directives?: readonly unknown[] | undefined }): boolean {
  if (!node.directives || node.directives.length === 0) return true;
  const typed = node as Parameters<typeof getDirectiveValues>[1];
  const skip = getDirectiveValues(GraphQLSkipDirective, typed, state.variables as Record<string, unknown>);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, typed, state.variables as Record<string, unknown>);
  return include?.if !== false;
}

function planField(
  state: PlanState,
  parentType: GraphQLObjectType,
  responseKey: string,
  fieldNodes: FieldNode[],
  parentPath: string,
  parentFetch: FetchStep | undefined,
  /** The binding whose batch answer's items are this field's parent objects, if they are. */
  itemsOf: FieldBinding | undefined,
  dependencies: ReadonlyMap<string, PlanField>,
): PlanField {
  const first = fieldNodes[0]!;
  const fieldName = first.name.value;
  const path = parentPath ? `${parentPath}.${responseKey}` : responseKey;
  const base = { responseKey, fieldName, parentType: parentType.name, fieldNodes, fetch: undefined };
  if (fieldName === '__typename') {
    return { ...base, kind: 'typename', ir: undefined, completion: { kind: 'direct' }, fetchesBelow: false };
  }
  if (fieldName === '__schema' || fieldName === '__type') {
    state.hasIntrospection = true;
    return { ...base, kind: 'introspection', ir: undefined, completion: { kind: 'direct' }, fetchesBelow: false };
  }
  const ir = state.blueprint.fields.get(parentType.name)?.get(fieldName);
  invariant(ir, `validated field ${parentType.name}.${fieldName} has IR`);
  // A field the caller may not read is never fetched, nor anything below it. A dependency of a
  // computed field the caller may read is the operator's decision, so it is fetched.
  if (ir.access && state.scopes && dependencies !== FOR_DEPENDENCY && !satisfies(ir.access, state.scopes)) {
    const message = `Not authorized to read ${parentType.name}.${fieldName}: it requires the scope ${describeRequirement(ir.access)}.`;
    return { ...base, kind: 'forbidden', ir, completion: { kind: 'direct' }, fetchesBelow: false, forbidden: { message, nonNull: isNonNullType(ir.definition.type) } };
  }

  let fetch: FetchStep | undefined;
  let fetchWithParent = false;
  if (ir.binding) {
    const b = ir.binding;
    // itemsOf is set only below a field that fetches, so parentFetch is that field's fetch.
    fetchWithParent = itemsOf !== undefined && keyedByParentKey(state.blueprint, parentType.name, itemsOf, b);
    fetch = {
      id: state.fetches.length + 1,
      operation: b.operation.id,
      field: `${parentType.name}.${fieldName}`,
      path,
      // Keyed by its parents' own key: it goes out with the parents' fetch, not after it.
      stage: fetchWithParent ? parentFetch!.stage : (parentFetch?.stage ?? state.stageBase) + 1,
      dependsOn: fetchWithParent ? parentFetch!.dependsOn : parentFetch?.id,
      ...(fetchWithParent ? { withKeysOf: parentFetch!.id } : {}),
      batched: b.operation.batch !== undefined,
      maxBatchSize: b.operation.batch?.maxSize,
      ...(b.operation.answerReader ? { answer: b.operation.answerLabel! } : {}),
      key: b.keyParts ? `{ ${b.operation.batch!.keyFields!.map((name, i) => `${name}: ${b.keyParts![i]!.template.text}`).join(', ')} }` : b.key?.template.text,
      keys: b.keys?.template.text,
      params: Object.fromEntries(b.params.map(([name, source]) => [name, source.template.text])),
      ...(b.operation.policy.coalesce ? { coalesce: true as const } : {}),
      ...(b.operation.pagination ? { pagination: paginationOf(b.operation.pagination) } : {}),
      ...(state.typeCondition !== undefined ? { typeCondition: state.typeCondition } : {}),
    };
    state.fetches.push(fetch);
  }
  const completion = planCompletion(state, ir.definition.type, fieldNodes, path, fetch ?? parentFetch, fetch ? ir.binding : undefined);
  const readArgs = argumentReader(ir.definition, first);
  const itemReads = new Set<string>();
  // A dependency feeds its computed field the fetched value as it is: no post-processing of its own.
  const planned = dependencies === FOR_DEPENDENCY ? undefined : planPost(state.blueprint, ir, fieldNodes, readArgs, dependencies, { path, transforms: state.transforms, itemReads }, state.scopes);
  return {
    ...base,
    kind: 'value',
    ir,
    readArgs,
    completion,
    fetch,
    ...(fetchWithParent ? { fetchWithParent } : {}),
    fetchesBelow: fetch !== undefined || completionFetches(completion),
    post: planned?.post,
    fetchTransform: planned?.fetchTransform,
    itemReads: itemReads.size > 0 ? [...itemReads] : undefined,
  };
}

function planCompletion(
  state: PlanState,
  type: GraphQLOutputType,
  fieldNodes: readonly FieldNode[],
  path: string,
  parentFetch: FetchStep | undefined,
  itemsOf: FieldBinding | undefined,
): Completion {
  const nonNull = isNonNullType(type);
  const inner = nonNull ? type.ofType : type;
  if (isListType(inner)) return { kind: 'list', nonNull, of: planCompletion(state, inner.ofType, fieldNodes, path, parentFetch, itemsOf) };
  if (isLeafType(inner)) return { kind: 'leaf', nonNull, type: inner };
  const sets = fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  if (isAbstractType(inner)) return planAbstract(state, inner.name, nonNull, sets, path, parentFetch);
  invariant(isObjectType(inner), `output type ${String(inner)} is an object type`);
  return { kind: 'object', nonNull, typeName: inner.name, fields: planSelection(state, inner, sets, path, parentFetch, itemsOf) };
}

/**
 * An interface or union field: the selection is planned once per concrete type its
 * discriminator can name, each with only the fields and fragments that apply to that type, so
 * the fields below a `... on Person` fetch only for the Persons. Concrete items are not the
 * parent's batch items of any bound field, so nothing below is sent with its parents' keys.
 */
function planAbstract(state: PlanState, typeName: string, nonNull: boolean, sets: readonly SelectionSetNode[], path: string, parentFetch: FetchStep | undefined): Completion {
  const abstract = state.blueprint.abstractTypes.get(typeName);
  invariant(abstract, `interface or union ${typeName} has a compiled @discriminator`);
  const planned = new Map<string, { typeName: string; fields: readonly PlanField[] }>();
  const byValue = new Map<string, { typeName: string; fields: readonly PlanField[] }>();
  const outer = state.typeCondition;
  for (const [value, concrete] of abstract.types) {
    let entry = planned.get(concrete);
    if (!entry) {
      const type = state.blueprint.schema.getType(concrete);
      invariant(isObjectType(type), `mapped type ${concrete} is an object type`);
      state.typeCondition = concrete;
      entry = { typeName: concrete, fields: planSelection(state, type, sets, `${path}(on ${concrete})`, parentFetch, undefined) };
      planned.set(concrete, entry);
    }
    byValue.set(value, entry);
  }
  state.typeCondition = outer;
  const fetchesBelow = [...planned.values()].some((entry) => entry.fields.some((f) => f.fetchesBelow));
  return { kind: 'abstract', nonNull, typeName, discriminator: abstract.path, byValue, fetchesBelow };
}

/**
 * Whether a field bound by `binding` needs nothing of its parents but their key: both operations
 * batched, the parents' answering one item per key, and the field's key exactly the parents' key
 * field, with no other param read from them. Every item of a batch answer is matched to its key
 * by that field (execute/match-items.ts), so each parent that arrives carries one of the keys its
 * fetch asked for: the field can be fetched with them, by those keys.
 */
function keyedByParentKey(blueprint: Blueprint, parentType: string, itemsOf: FieldBinding, binding: FieldBinding): boolean {
  const parentBatch = itemsOf.operation.batch;
  const whole = binding.key?.template.whole;
  if (!parentBatch || parentBatch.many || !binding.operation.batch || !whole || whole.path[0] === 'args') return false;
  // Only a flat list matches each item by its own key field: a grouped or map answer's item need not carry it.
  if (itemsOf.operation.answerReader !== undefined) return false;
  if (binding.params.some(([, source]) => source.template.refs.some((ref) => ref.path[0] !== 'args'))) return false;
  const from = blueprint.fields.get(parentType)?.get(whole.path[1]!)?.from;
  return from !== undefined && from.join('.') === parentBatch.keyField;
}

function completionFetches(c: Completion): boolean {
  if (c.kind === 'list') return completionFetches(c.of);
  if (c.kind === 'object') return c.fields.some((f) => f.fetchesBelow);
  return c.kind === 'abstract' && c.fetchesBelow;
}


/** What explain says about a paged list: its style, its cap and the param that says how many items. */
function paginationOf(p: CompiledPagination): NonNullable<FetchStep['pagination']> {
  return p.limitParam === undefined ? { style: p.style, maxPages: p.maxPages } : { style: p.style, maxPages: p.maxPages, limitParam: p.limitParam };
}
