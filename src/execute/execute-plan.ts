import type { GraphQLError } from 'graphql';
import type { Blueprint } from '../blueprint/index.ts';
import type { Plan } from '../plan/index.ts';
import { fetchFields, type FetchResults } from './fetch-phase.ts';
import type { RequestLoaders } from './loaders.ts';
import { shapeRoot } from './shape-result.ts';
import { FetchFailure } from './fetch-failure.ts';
import type { PlanField } from '../plan/index.ts';
import type { StaleStore } from '../resilience/index.ts';
import type { FallbackNote } from './field-fallback.ts';

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
}

/** Runs a plan: all fetches first (batched, in parallel where possible), then one synchronous shaping pass. */
export async function executePlan(input: PlanExecution): Promise<{ data: Record<string, unknown> | null; errors: GraphQLError[]; fallbacks: FallbackNote[] }> {
  const results: FetchResults = new Map();
  // The root "parent object": root fields read nothing from it, it only keys their fetch results.
  const root = {};
  await fetchFields({ blueprint: input.blueprint, variables: input.variables, loaders: input.loaders, results, staleStore: input.staleStore }, input.plan.rootFields, [root]);
  const errors: GraphQLError[] = [];
  const fallbacks: FallbackNote[] = [];
  const data = shapeRoot(
    {
      results,
      errors,
      introspection: input.introspection,
      onUnexpectedError: input.onUnexpectedError,
      dev: input.dev === true,
      variables: input.variables,
      request: input.request ?? { id: '', nowMs: Date.now() },
      readDependency: (field, parent) => readDependency(results, field, parent),
      fallbacks,
    },
    input.plan.rootFields,
    root,
    input.plan.rootType,
  );
  return { data, errors, fallbacks };
}

/** A computed field's input fetched by a dependency field; a failed fetch fails the computed field too. */
function readDependency(results: FetchResults, field: PlanField, parent: object): unknown {
  const value = results.get(field)?.get(parent);
  if (value instanceof FetchFailure) throw value.error;
  return value;
}
