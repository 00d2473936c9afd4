import { execute as graphqlExecute, GraphQLError, type ExecutionResult } from 'graphql';
import type { Blueprint } from '../blueprint/index.ts';
import { PlanCache, describePlan, type PlanCacheOptions, type PreparedDocument } from '../plan/index.ts';
import { toGraphQLError, withExtensions } from '../errors/to-graphql-error.ts';
import { ErrorCodes, type ErrorCode } from '../errors/codes.ts';
import type { SendFn } from '../transports/transport.ts';
import type { Logger } from '../observability/index.ts';
import { RequestLoaders, type UpstreamCallStats } from './loaders.ts';
import { executePlan } from './execute-plan.ts';
import { ConcurrencyLimit, LOGGED_UPSTREAM_MESSAGE, StaleStore } from '../resilience/index.ts';
import { VariableCoercion } from './coerce-variables.ts';
import { SharedBatches } from './shared-batches.ts';
import type { FieldUsage } from '../observability/field-usage.ts';

export interface ExecutorOptions {
  blueprint: Blueprint;
  /** A connector's send with its protections (timeouts, retries, breaker, bulkhead, cache) around it. */
  sendFor(connector: string): SendFn;
  logger: Logger;
  /** Dev mode: errors carry their diagnosis (URL, socket error, attempts, the keys an answer had); otherwise only the log does. */
  dev?: boolean | undefined;
  planCache?: PlanCacheOptions;
  /** Most upstream calls one request may have in flight at once (its fan-out budget). */
  maxConcurrentCallsPerRequest?: number;
  /** Most `@fallback(staleForMs:)` values kept for stale-if-error (default 10 000). */
  maxStaleEntries?: number;
  /** false: operations with `batch.acrossRequests` batch per request like the others (default true). */
  batchAcrossRequests?: boolean | undefined;
  /** Event-loop utilisation (0..1) above which `batch.acrossRequests` operations pool their keys (default 0.5; 0: always). */
  batchAcrossRequestsAbove?: number | undefined;
  /** Counts each executed plan per caller (field usage); absent: nothing is counted. */
  usage?: FieldUsage | undefined;
}

export interface ExecuteRequest {
  prepared: PreparedDocument;
  operationName: string | undefined | null;
  variables: Readonly<Record<string, unknown>> | undefined | null;
  requestId: string;
  /** Attach `extensions.tessera` with the plan and the upstream calls made. */
  explain: boolean;
  /** `performance.now()` time by which the request must be answered (the server sets it). */
  deadlineAt?: number | undefined;
  /** The caller's HTTP request headers (Node's, names lowercased): the source of connectors' `forwardHeaders`. */
  callerHeaders?: Readonly<Record<string, string | string[] | undefined>> | undefined;
  /** Who is asking (the request context's caller id): field usage is counted under it. */
  callerId?: string | undefined;
}

/** What the access log and the explain header report about one request's upstream calls. */
export type UpstreamCalls = Record<string, UpstreamCallStats>;

export interface GatewayResult extends ExecutionResult {
  upstreamCalls?: UpstreamCalls;
  /** The name of the operation that ran (undefined: anonymous, or none was selected); not serialised. */
  operationName?: string | undefined;
}

/**
 * The engine: prepared document → plan (cached) → batched fetches → shaped result. It knows
 * nothing of HTTP; the server and the CLI both drive it.
 */
export class Executor {
  readonly planCache: PlanCache;
  readonly #options: ExecutorOptions;
  readonly #staleStore: StaleStore;
  readonly #variables: VariableCoercion;
  readonly #sharedBatches: SharedBatches | undefined;

  constructor(options: ExecutorOptions) {
    this.#options = options;
    this.#staleStore = new StaleStore({ maxEntries: options.maxStaleEntries ?? 10_000 });
    this.planCache = new PlanCache(options.blueprint, options.planCache);
    this.#variables = new VariableCoercion(options.blueprint.schema);
    this.#sharedBatches = options.batchAcrossRequests === false ? undefined : new SharedBatches((op) => options.sendFor(op.connector), options.batchAcrossRequestsAbove ?? 0.5);
  }

  /** Runs one operation. Never throws for anything a caller or an upstream did. */
  async execute(request: ExecuteRequest): Promise<GatewayResult> {
    const { blueprint, logger } = this.#options;
    const operation = this.planCache.selectOperation(request.prepared, request.operationName);
    if (operation instanceof GraphQLError) return { errors: [operation] };
    const coerced = this.#variables.coerce(operation, request.variables ?? {});
    if (coerced.errors) return { errors: coerced.errors.map(withCode(ErrorCodes.REQUEST_INVALID_VARIABLES)) };
    const variables = coerced.coerced;
    const onUnexpectedError = (error: unknown) => logger.error({ err: error }, 'unexpected error while executing');

    let plan;
    try {
      plan = this.planCache.plan(request.prepared, operation, variables);
    } catch (error) {
      return { errors: [toGraphQLError(error, undefined, onUnexpectedError)] };
    }
    this.#options.usage?.record(plan, request.callerId);
    const introspection = plan.hasIntrospection ? this.#introspect(request, variables) : undefined;

    const stats = new Map<string, UpstreamCallStats>();
    const loaders = new RequestLoaders({
      sendFor: (op) => this.#options.sendFor(op.connector),
      deadlineAt: request.deadlineAt,
      headers: { 'x-request-id': request.requestId },
      callerHeaders: request.callerHeaders,
      limit: new ConcurrencyLimit(this.#options.maxConcurrentCallsPerRequest ?? 64),
      stats,
      sharedBatches: this.#sharedBatches,
      onUpstreamError: (error, upstream) =>
        logger.warn(
          {
            connector: upstream.connector,
            operation: upstream.operation,
            code: error.code,
            status: error.details.status,
            // A failure stated in the body: its code, and its message (kept from callers unless marked safe) for the operator.
            upstreamCode: error.details.upstreamCode,
            upstreamMessage: error.details.upstreamMessage ?? error.details[LOGGED_UPSTREAM_MESSAGE],
            diagnosis: error.diagnosis?.text,
            upstream: error.diagnosis?.facts,
            err: error.cause,
          },
          'upstream call failed',
        ),
    });
    const { data, errors, fallbacks } = await executePlan({
      blueprint,
      plan,
      variables,
      loaders,
      introspection,
      staleStore: this.#staleStore,
      onUnexpectedError,
      dev: this.#options.dev === true,
      request: { id: request.requestId, nowMs: Date.now() },
    });
    const upstreamCalls = Object.fromEntries(stats);
    const result: GatewayResult = errors.length > 0 ? { errors, data } : { data };
    if (request.explain) result.extensions = { tessera: { plan: describePlan(plan), upstreamCalls: withAnswerLayouts(blueprint, upstreamCalls) } };
    // Callers must be able to tell a stale or default value from a fresh one.
    if (fallbacks.length > 0) result.extensions = { ...result.extensions, fallbacks };
    Object.defineProperty(result, 'upstreamCalls', { value: upstreamCalls, enumerable: false });
    if (operation.name) Object.defineProperty(result, 'operationName', { value: operation.name.value, enumerable: false });
    return result;
  }

  /** Introspection is graphql-js's job: it knows the schema; our fields are left to our engine. */
  #introspect(request: ExecuteRequest, variables: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
    const result = graphqlExecute({
      schema: this.#options.blueprint.schema,
      document: request.prepared.document,
      operationName: request.operationName ?? undefined,
      variableValues: variables as Record<string, unknown>,
      rootValue: {},
    }) as ExecutionResult;
    return result.data ?? undefined;
  }
}

/**
 * The explain header's calls, each batched operation's with the layout its answers were read in
 * (`answer: "grouped by customerId → orders"`). Only explain pays for the copy; the access log
 * reads the stats as they are.
 */
function withAnswerLayouts(blueprint: Blueprint, calls: Record<string, UpstreamCallStats>): Record<string, UpstreamCallStats & { answer?: string }> {
  const out: Record<string, UpstreamCallStats & { answer?: string }> = {};
  for (const [id, stats] of Object.entries(calls)) {
    const answer = blueprint.operations.get(id)?.answerLabel;
    out[id] = answer === undefined ? stats : { ...stats, answer };
  }
  return out;
}

/** graphql-js reports bad variables without a code; callers get a stable one. */
function withCode(code: ErrorCode): (error: GraphQLError) => GraphQLError {
  return (error) => withExtensions(error, { code });
}
