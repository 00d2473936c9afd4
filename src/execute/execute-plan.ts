import type { GraphQLError } from 'graphql';
import type { Blueprint } from '../blueprint/index.ts';
import type { Plan } from '../plan/index.ts';
import { fetchFields, type FetchResults } from './fetch-phase.ts';
import type { RequestLoaders } from './loaders.ts';
import { shapeRoot, shapeRootField, type ShapeContext } from './shape-result.ts';
import { FetchFailure } from './fetch-failure.ts';
import type { PlanField } from '../plan/index.ts';
import type { StaleStore } from '../resilience/index.ts';
import type { FallbackNote } from './field-fallback.ts';
import type { ExecutionTrace } from '../observability/execution-trace.ts';

export interface PlanExecution {
  blueprint: Blueprint;
  plan: Plan;
  variables: Readonly<Record<string, unknown>>;
  loaders: RequestLoaders;
  introspection: Readonly<Record<string, unknown>> | undefined;
  staleStore: StaleStore;
  onUnexpectedError(error: unknown): void;
  /** Dev mode: field errors carry their diagnosis. */
  dev?: boolean | undefined;
  /** What expressions may know of the request (`request.id`, `request.nowMs`). */
  request?: { id: string; nowMs: number };
  /** The request's spans when it is traced: each fetch runs in its stage's span, shaping in `shape`. */
  trace?: ExecutionTrace | undefined;
}

/** Runs a plan: all fetches first (batched, in parallel where possible), then one synchronous shaping pass. */
export async function executePlan(input: PlanExecution): Promise<{ data: Record<string, unknown> | null; errors: GraphQLError[]; fallbacks: FallbackNote[] }> {
  const results: FetchResults = new Map();
  // The root "parent object": root fields read nothing from it, it only keys their fetch results.
  const root = {};
  const fetchContext = { blueprint: input.blueprint, variables: input.variables, loaders: input.loaders, results, staleStore: input.staleStore, trace: input.trace };
  const errors: GraphQLError[] = [];
  const fallbacks: FallbackNote[] = [];
  const shape: ShapeContext = {
    results,
    errors,
    introspection: input.introspection,
    onUnexpectedError: input.onUnexpectedError,
    dev: input.dev === true,
    variables: input.variables,
    request: input.request ?? { id: '', nowMs: Date.now() },
    readDependency: (field, parent) => readDependency(results, field, parent),
    fallbacks,
  };
  if (input.plan.operationType === 'mutation') return { data: await executeSerially(fetchContext, shape, input.plan, root), errors, fallbacks };
  await fetchFields(fetchContext, input.plan.rootFields, [root]);
  const trace = input.trace;
  const data = trace ? trace.shape(() => shapeRoot(shape, input.plan.rootFields, root, input.plan.rootType)) : shapeRoot(shape, input.plan.rootFields, root, input.plan.rootType);
  return { data, errors, fallbacks };
}

/**
 * A mutation's root fields, one after another (spec §6.2.2): each field's call and everything
 * below it is fetched and shaped before the next field's call starts. A field that fails leaves
 * the next ones to run; only a null that reaches the root (a non-null field failed) stops the
 * rest, as graphql-js does: `data` is then null and no later write would be seen.
 */
async function executeSerially(fetchContext: Parameters<typeof fetchFields>[0], shape: ShapeContext, plan: Plan, root: object): Promise<Record<string, unknown> | null> {
  const data: Record<string, unknown> = {};
  for (const field of plan.rootFields) {
    if (field.fetchesBelow) await fetchFields(fetchContext, [field], [root]);
    const shaped = shapeRootField(shape, field, root, plan.rootType);
    if (shaped.bubbled) return null;
    data[field.responseKey] = shaped.value;
  }
  return data;
}

/** A computed field's input fetched by a dependency field; a failed fetch fails the computed field too. */
function readDependency(results: FetchResults, field: PlanField, parent: object): unknown {
  const value = results.get(field)?.get(parent);
  if (value instanceof FetchFailure) throw value.error;
  return value;
}
