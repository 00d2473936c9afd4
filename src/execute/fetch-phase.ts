import { FIELDS_REF, renderTemplate, type Blueprint, type FieldBinding, type TemplateRef, type ValueSource } from '../blueprint/index.ts';
import type { AbstractCompletion, Completion, FetchTransform, PlanField } from '../plan/index.ts';
import { FetchFailure } from './fetch-failure.ts';
import type { RequestLoaders } from './loaders.ts';
import { readPath } from '../util/read-path.ts';
import { CompositeKey } from '../util/composite-key.ts';
import { discriminatorValue } from './discriminator-value.ts';
import type { StaleStore } from '../resilience/index.ts';
import { chooseFallback, rememberGood, staleKey } from './field-fallback.ts';
import type { ExecutionTrace } from '../observability/execution-trace.ts';

/** Fetched values of bound fields: plan field → parent upstream object → value or FetchFailure. */
export type FetchResults = Map<PlanField, Map<object, unknown>>;

export interface FetchContext {
  blueprint: Blueprint;
  variables: Readonly<Record<string, unknown>>;
  loaders: RequestLoaders;
  results: FetchResults;
  /** Last good values of `@fallback(staleForMs:)` fields, shared by all requests. */
  staleStore: StaleStore;
  /** Set only when the request is traced: each field's fetch then runs in its plan stage's span. */
  trace?: ExecutionTrace | undefined;
}

/**
 * Runs every fetch of a plan, set-at-a-time: a field's fetch is issued for all its parent objects
 * at once, so DataLoader sees every key of a level in the same tick and makes one batch of them.
 * Children start as soon as their own parent fetch is done (no waiting for a whole level).
 */
export async function fetchFields(ctx: FetchContext, fields: readonly PlanField[], parents: readonly object[]): Promise<void> {
  const work: Promise<void>[] = [];
  for (const field of fields) {
    if (field.fetchesBelow) work.push(fetchField(ctx, field, parents));
  }
  if (work.length === 1) return work[0];
  await Promise.all(work);
}

async function fetchField(ctx: FetchContext, field: PlanField, parents: readonly object[]): Promise<void> {
  const ir = field.ir!;
  let values: unknown[];
  if (field.fetch && ir.binding) {
    const binding = ir.binding;
    const fetcher = fieldFetcher(ctx.blueprint, field, binding);
    const args = field.readArgs!(ctx.variables);
    // Params that read no parent field are the same for every parent: built once, and the
    // loaders then find their DataLoader once for the whole level rather than once per key.
    const shared = fetcher.paramsReadParent ? undefined : buildParams(fetcher, field, binding, args, EMPTY_PARENT);
    const slot = new Map<object, unknown>();
    ctx.results.set(field, slot);
    const fallback = ir.fallback;
    const stale = fallback?.staleForMs !== undefined ? ctx.staleStore : undefined;
    // One list for the level, handled in one synchronous loop: no promise and closure per parent.
    // The loaders never reject: a failed call comes back as a FetchFailure value.
    const load: FieldLoad = { ctx, fetcher, field, binding, args };
    const loaded = ctx.trace === undefined ? await loadLevel(load, parents, shared) : await ctx.trace.stage(field.fetch.stage, () => loadLevel(load, parents, shared));
    values = new Array<unknown>(parents.length);
    for (let i = 0; i < parents.length; i++) {
      const parent = parents[i]!;
      const outcome = loaded[i];
      if (outcome instanceof FetchFailure) {
        const use = fallback && chooseFallback(ctx.staleStore, fallback, stale && staleKey(ctx.blueprint, field, args, parent));
        slot.set(parent, use ? new FetchFailure(outcome.error, use) : outcome);
        // A fallback object's own bound fields are fetched like any other object's.
        values[i] = use?.value;
        continue;
      }
      // List transforms run before children fetch, so children load only for kept items.
      const value = field.fetchTransform === undefined ? outcome : transformFetched(field.fetchTransform, outcome, ctx.variables);
      slot.set(parent, value);
      if (value instanceof FetchFailure) continue;
      if (stale) rememberGood(stale, fallback!, staleKey(ctx.blueprint, field, args, parent), value);
      values[i] = value;
    }
  } else {
    values = parents.map((parent) => readPath(parent, ir.from));
  }
  const children = objectFields(field.completion);
  if (!children) {
    const abstract = abstractCompletion(field.completion);
    if (abstract?.fetchesBelow) await fetchByType(ctx, abstract, values);
    return;
  }
  if (!children.some((c) => c.fetchesBelow)) return;
  const objects: object[] = [];
  collectObjects(values, objects);
  if (objects.length > 0) await fetchFields(ctx, children, objects);
}

/**
 * The fields below an interface or union: each item goes with the items of its own type, so a
 * field of `... on Person` loads for the Persons only, in one batch for all of them. An item
 * whose discriminator names no type fetches nothing (shaping reports it).
 */
async function fetchByType(ctx: FetchContext, abstract: AbstractCompletion, values: readonly unknown[]): Promise<void> {
  const objects: object[] = [];
  collectObjects(values, objects);
  const byType = new Map<readonly PlanField[], object[]>();
  for (const object of objects) {
    const entry = abstract.byValue.get(discriminatorValue(object, abstract.discriminator) as string);
    if (!entry || !entry.fields.some((f) => f.fetchesBelow)) continue;
    const list = byType.get(entry.fields);
    if (list) list.push(object);
    else byType.set(entry.fields, [object]);
  }
  await Promise.all([...byType].map(([fields, items]) => fetchFields(ctx, fields, items)));
}

function abstractCompletion(completion: Completion): AbstractCompletion | undefined {
  if (completion.kind === 'list') return abstractCompletion(completion.of);
  return completion.kind === 'abstract' ? completion : undefined;
}

/** What a bound field's fetch needs to know beyond the plan, worked out once per planned field. */
interface FieldFetcher {
  /** The upstream path of every parent field a template reads, by public name (undefined: not a field). */
  parentPaths: ReadonlyMap<string, readonly string[] | undefined>;
  /** Whether any param template reads a parent field (then params differ per parent). */
  paramsReadParent: boolean;
  /** Path params that must be present for the call to make sense. */
  requiredParams: readonly string[];
}

const fetchers = new WeakMap<PlanField, FieldFetcher>();
const EMPTY_PARENT = {};

function fieldFetcher(blueprint: Blueprint, field: PlanField, binding: FieldBinding): FieldFetcher {
  let fetcher = fetchers.get(field);
  if (fetcher) return fetcher;
  const parentIRs = blueprint.fields.get(field.parentType);
  const parentPaths = new Map<string, readonly string[] | undefined>();
  const sources = [...binding.params.map(([, source]) => source), binding.key, binding.keys, ...(binding.keyParts ?? [])];
  for (const source of sources) {
    for (const ref of source?.template.refs ?? []) {
      const name = ref.path[1]!;
      if (ref.path[0] !== 'args') parentPaths.set(name, parentIRs?.get(name)?.from);
    }
  }
  const paramsReadParent = binding.params.some(([, source]) => source.template.refs.some((ref) => ref.path[0] !== 'args'));
  const requiredParams = binding.operation.path.refs.map((ref) => ref.path[0]!).filter((name) => name !== 'keys');
  fetcher = { parentPaths, paramsReadParent, requiredParams };
  fetchers.set(field, fetcher);
  return fetcher;
}

/** A template reference's value: an argument, or a field of the parent object. */
function resolveRef(fetcher: FieldFetcher, args: Record<string, unknown>, parent: object, ref: TemplateRef): unknown {
  const [scope, name] = ref.path as [string, string];
  if (scope === 'args') return args[name];
  const from = fetcher.parentPaths.get(name);
  return from ? readPath(parent, from) : undefined;
}

/** The call's params, or null when a path param nobody has is missing (the field is then simply null). */
function buildParams(fetcher: FieldFetcher, field: PlanField, binding: FieldBinding, args: Record<string, unknown>, parent: object): Record<string, unknown> | null {
  const resolve = (ref: TemplateRef): unknown => resolveRef(fetcher, args, parent, ref);
  const params: Record<string, unknown> = {};
  for (const [name, source] of binding.params) {
    const value = renderTemplate(source.template, resolve);
    if (value !== undefined && value !== null) params[name] = value;
  }
  if (field.fetch!.fields) params[FIELDS_REF] = field.fetch!.fields;
  for (const name of fetcher.requiredParams) {
    if (params[name] === undefined) return null;
  }
  return params;
}

/** One bound field's fetch at one level: what loading its parents' values needs. */
interface FieldLoad {
  ctx: FetchContext;
  fetcher: FieldFetcher;
  field: PlanField;
  binding: FieldBinding;
  args: Record<string, unknown>;
}

/**
 * Every parent's value of a bound field, in order. Keys of a batched operation go to the loader
 * in one list for all the parents that share the call's params (the whole level, usually): one
 * promise per level, not one per key.
 */
function loadLevel(load: FieldLoad, parents: readonly object[], shared: Record<string, unknown> | null | undefined): Promise<unknown[]> {
  const { ctx, fetcher, field, binding, args } = load;
  if (!binding.key && !binding.keys && !binding.keyParts) {
    return Promise.all(parents.map((parent) => {
      const params = shared === undefined ? buildParams(fetcher, field, binding, args, parent) : shared;
      if (params === null) return null;
      // A mutation field is one write: never de-duplicated with an identical field.
      return field.fetch!.mutation ? ctx.loaders.callOnce(binding.operation, params) : ctx.loaders.loadSingle(binding.operation, params);
    }));
  }
  if (shared !== undefined) return shared === null ? Promise.resolve(parents.map(() => null)) : loadByKeys(load, parents, shared);
  // Params read from each parent: one loader call per parent.
  return Promise.all(parents.map((parent) => {
    const params = buildParams(fetcher, field, binding, args, parent);
    return params === null ? null : loadByKeys(load, [parent], params).then((values) => values[0]);
  }));
}

/** The values of `parents` for a field bound with `key:` or `keys:`, all their keys asked in one list. */
function loadByKeys(load: FieldLoad, parents: readonly object[], params: Record<string, unknown>): Promise<unknown[]> {
  const { ctx, fetcher, field, binding, args } = load;
  // Per parent: its key (key:) or its list of keys (keys:); null when it has none.
  let perParent: unknown[];
  if (binding.keyParts) {
    perParent = parents.map((parent) => compositeKeyOf(load, binding.keyParts!, parent));
  } else {
    const template = (binding.key ?? binding.keys)!.template;
    perParent = parents.map((parent) =>
      binding.key && template.whole ? resolveRef(fetcher, args, parent, template.whole) : renderTemplate(template, (ref) => resolveRef(fetcher, args, parent, ref)),
    );
  }
  const single = binding.keys === undefined;
  const keys: unknown[] = [];
  for (const value of perParent) {
    if (single) {
      if (value !== null && value !== undefined) keys.push(value);
    } else if (Array.isArray(value)) {
      for (const key of value) if (key !== null && key !== undefined) keys.push(key);
    }
  }
  if (keys.length === 0) return Promise.resolve(perParent.map((value) => (binding.keys && Array.isArray(value) ? value.map(() => null) : null)));
  const loaded = ctx.loaders.loadKeys(binding.operation, params, keys);
  prefetchByKey(ctx, field, keys);
  return loaded.then((values) => {
    let next = 0;
    return perParent.map((value) => {
      if (single) return value === null || value === undefined ? null : values[next++];
      // Each key fails on its own (its item is a FetchFailure): one missing entity nulls only its own list item.
      return Array.isArray(value) ? value.map((key) => (key === null || key === undefined ? null : values[next++])) : null;
    });
  });
}

/** A parent's composite key (`key: { tenantId: …, customerId: … }`), or null when any part is null. */
function compositeKeyOf(load: FieldLoad, parts: readonly ValueSource[], parent: object): CompositeKey | null {
  const values = new Array<unknown>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const template = parts[i]!.template;
    const value = template.whole
      ? resolveRef(load.fetcher, load.args, parent, template.whole)
      : renderTemplate(template, (ref) => resolveRef(load.fetcher, load.args, parent, ref));
    if (value === null || value === undefined) return null;
    values[i] = value;
  }
  return new CompositeKey(load.binding.operation.batch!.keyFields!, values);
}

/**
 * Starts, alongside a batched fetch by `keys`, the fetches of the fields below it that the plan
 * marks `fetchWithParent` (keyed by the parents' own key field: `Customer.orders` by the
 * customer's `id` when customers are loaded by id). Their own fetches later ask for the same keys
 * of the same loaders and find them in flight or answered: the panel's orders and tickets go out
 * with its customer, not after it. A key whose parent then does not exist costs one unused key in
 * a call that went out anyway.
 */
function prefetchByKey(ctx: FetchContext, field: PlanField, keys: readonly unknown[]): void {
  const children = objectFields(field.completion);
  if (!children) return;
  for (const child of children) {
    if (!child.fetchWithParent) continue;
    const binding = child.ir!.binding!;
    const fetcher = fieldFetcher(ctx.blueprint, child, binding);
    const args = child.readArgs!(ctx.variables);
    const params = buildParams(fetcher, child, binding, args, EMPTY_PARENT);
    if (params !== null) void ctx.loaders.loadKeys(binding.operation, params, keys);
  }
}

/** A transform that fails fails this field for this parent, like a failed fetch. */
function transformFetched(transform: FetchTransform, value: unknown, variables: Readonly<Record<string, unknown>>): unknown {
  try {
    return transform(value, variables);
  } catch (error) {
    return new FetchFailure(error);
  }
}

function objectFields(completion: Completion): readonly PlanField[] | undefined {
  if (completion.kind === 'list') return objectFields(completion.of);
  return completion.kind === 'object' ? completion.fields : undefined;
}

function collectObjects(values: readonly unknown[], out: object[]): void {
  for (const value of values) {
    if (value === null || typeof value !== 'object' || value instanceof FetchFailure) continue;
    if (Array.isArray(value)) collectObjects(value, out);
    else out.push(value);
  }
}
