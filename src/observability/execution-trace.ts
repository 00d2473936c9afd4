import { performance } from 'node:perf_hooks';
import { SpanStatusCode, trace, type Context, type ContextManager, type Span, type Tracer } from '@opentelemetry/api';
import type { Plan } from '../plan/plan.ts';
import type { PlanCacheStats } from '../plan/plan-cache.ts';
import { recordFailure } from './record-failure.ts';

/** A plan stage's span and when its last fetch so far was answered (performance.now()). */
interface StageSpan {
  span: Span;
  context: Context;
  lastDoneAt: number;
}

/** Per plan (plans are cached): stage number → the `connector.operation`s it runs, in plan order. */
const stageOperations = new WeakMap<Plan, Map<number, string[]>>();

/**
 * The spans of one recorded execution, children of the request's server span: `plan` (lookup or
 * build), one `stage N` per plan stage that fetched, and `shape`. Made only when tracing is on and
 * the request is sampled: the executor holds `undefined` otherwise.
 *
 * Stages overlap by design (a child fetch starts as soon as its own parents are answered, not
 * when the whole stage is), so a stage span starts with its stage's first fetch and ends when its
 * last fetch was answered; the upstream calls made while it runs are its children.
 */
export class ExecutionTrace {
  readonly #tracer: Tracer;
  readonly #contexts: ContextManager;
  readonly #requestContext: Context;
  readonly #requestSpan: Span;
  readonly #stages = new Map<number, StageSpan>();
  #plan: Plan | undefined;

  constructor(tracer: Tracer, contexts: ContextManager, requestContext: Context, requestSpan: Span) {
    this.#tracer = tracer;
    this.#contexts = contexts;
    this.#requestContext = requestContext;
    this.#requestSpan = requestSpan;
  }

  /** Names the request span after the operation, as OpenTelemetry's GraphQL conventions do: `query Panel`. */
  operation(type: string, name: string | undefined): void {
    const span = this.#requestSpan;
    span.updateName(name === undefined ? type : `${type} ${name}`);
    span.setAttribute('graphql.operation.type', type);
    if (name !== undefined) span.setAttribute('graphql.operation.name', name);
  }

  /** Runs the plan lookup (and build, on a miss) in a `plan` span. */
  plan(stats: PlanCacheStats, lookup: () => Plan): Plan {
    const span = this.#tracer.startSpan('plan', undefined, this.#requestContext);
    const hitsBefore = stats.planHits;
    try {
      const plan = lookup();
      this.#plan = plan;
      span.setAttribute('tessera.plan.cache_hit', stats.planHits > hitsBefore);
      span.setAttribute('tessera.plan.fetches', plan.fetches.length);
      span.setAttribute('tessera.plan.stages', operationsByStage(plan).size);
      return plan;
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Runs one fetch of plan stage `stage` with that stage's span active, so its upstream calls are the stage's children. */
  async stage<T>(stage: number, load: () => Promise<T>): Promise<T> {
    let entry = this.#stages.get(stage);
    if (!entry) {
      const operations = this.#plan ? operationsByStage(this.#plan).get(stage) : undefined;
      const span = this.#tracer.startSpan(`stage ${stage}`, { attributes: { 'tessera.stage': stage, ...(operations ? { 'tessera.stage.operations': operations } : {}) } }, this.#requestContext);
      entry = { span, context: trace.setSpan(this.#requestContext, span), lastDoneAt: 0 };
      this.#stages.set(stage, entry);
    }
    const value = await this.#contexts.with(entry.context, load);
    entry.lastDoneAt = performance.now();
    return value;
  }

  /** Runs the synchronous shaping walk in a `shape` span. */
  shape<T>(walk: () => T): T {
    const span = this.#tracer.startSpan('shape', undefined, this.#requestContext);
    try {
      return walk();
    } finally {
      span.end();
    }
  }

  /** Ends the stage spans (each when its last fetch was answered) and notes the request's GraphQL errors on its span. */
  finish(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): void {
    for (const entry of this.#stages.values()) entry.span.end(entry.lastDoneAt === 0 ? undefined : entry.lastDoneAt);
    if (errors === undefined || errors.length === 0) return;
    const codes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
    this.#requestSpan.setAttribute('tessera.graphql.error_count', errors.length);
    this.#requestSpan.setAttribute('tessera.graphql.error_codes', codes);
    this.#requestSpan.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') });
  }
}

function operationsByStage(plan: Plan): Map<number, string[]> {
  let byStage = stageOperations.get(plan);
  if (!byStage) {
    byStage = new Map();
    for (const fetch of plan.fetches) {
      const list = byStage.get(fetch.stage);
      if (list) list.push(fetch.operation);
      else byStage.set(fetch.stage, [fetch.operation]);
    }
    stageOperations.set(plan, byStage);
  }
  return byStage;
}
