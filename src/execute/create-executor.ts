import { execute as graphqlExecute, GraphQLError, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { Blueprint } from '../blueprint/index.ts';
import { PlanCache, describePlan, type PlanCacheOptions, type PreparedDocument } from '../plan/index.ts';
import { toGraphQLError, withExtensions } from '../errors/to-graphql-error.ts';
import { ErrorCodes, type ErrorCode } from '../errors/codes.ts';
import type { SendFn, UpstreamRequest } from '../transports/transport.ts';
import type { UpstreamError } from '../errors/gateway-error.ts';
import type { Logger } from '../observability/index.ts';
import type { GatewayTracing } from '../observability/tracing.ts';
import type { ExecutionTrace } from '../observability/execution-trace.ts';
import { RequestLoaders, type UpstreamCallStats } from './loaders.ts';
import { executePlan } from './execute-plan.ts';
import { ConcurrencyLimit, LOGGED_UPSTREAM_MESSAGE, StaleStore } from '../resilience/index.ts';
import { VariableCoercion } from './coerce-variables.ts';
import { SharedBatches } from './shared-batches.ts';
import { hidesSchema, introspectionRefused, withoutSuggestions } from '../server/disclosure.ts';
import type { FieldUsage } from '../observability/field-usage.ts';
import { SharedOperations, type OperationSharingSettings, type SharedAnswer } from './shared-operations.ts';
import type { Plan } from '../plan/index.ts';

export interface ExecutorOptions {
  blueprint: Blueprint;
  /**
   * A connector's send with its protections (timeouts, retries, breaker, bulkhead, cache) around
   * it; for marked traffic (`traffic`: stress, preview) the connector's pipeline of that mark,
   * whose breaker, budgets, queue and cache production never shares.
   */
  sendFor(connector: string, traffic?: string): SendFn;
  logger: Logger;
  /** OpenTelemetry traces, when on: plan, stage and shape spans under the request's span. */
  tracing?: GatewayTracing | undefined;
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
  /** The header that carries a request's mark upstream (gateway.yaml `isolation.header`, default `x-tessera-traffic`). */
  markHeader?: string | undefined;
  /** Counts each executed plan per caller (field usage); absent: nothing is counted. */
  usage?: FieldUsage | undefined;
  /** Identical queries in flight share one execution (gateway.yaml `sharing:`); absent: on for all. */
  sharing?: OperationSharingSettings | undefined;
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
  /** The request's traffic mark (stress, preview); undefined = production. */
  traffic?: string | undefined;
  /** The verified caller's scopes (field access, unmasking); undefined while authentication is off. */
  scopes?: ReadonlySet<string> | undefined;
  /** Who is asking (the request context's caller id): field usage is counted under it. */
  callerId?: string | undefined;
  /** The fast path's raw request body: identical bodies of the same sender may then join this execution unparsed. */
  body?: Buffer | undefined;
}

/** What the access log and the explain header report about one request's upstream calls. */
export type UpstreamCalls = Record<string, UpstreamCallStats>;

export interface GatewayResult extends ExecutionResult {
  upstreamCalls?: UpstreamCalls;
  /** The name of the operation that ran (undefined: anonymous, or none was selected); not serialised. */
  operationName?: string | undefined;
  /** Set when this request joined an identical one in flight: that request's id (it made the calls); not serialised. */
  sharedWith?: string | undefined;
  /** The serialized answer, shared by every request of one shared execution; not serialised. */
  answer?: SharedAnswer | undefined;
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
  readonly #markHeader: string;
  /**
   * Marked traffic's own stale stores and shared batches, one per mark, made on its first
   * request: a stress run never serves or pools with production's values or keys.
   */
  readonly #marked = new Map<string, { staleStore: StaleStore; sharedBatches: SharedBatches | undefined }>();
  readonly #sharing: SharedOperations | undefined;
  /** Made once, not per request: production's sends, and the two ways a request's failures are logged. */
  readonly #productionSendFor: (op: { connector: string }) => SendFn;
  readonly #onUpstreamError: (error: UpstreamError, upstream: UpstreamRequest) => void;
  readonly #onUnexpectedError: (error: unknown) => void;

  constructor(options: ExecutorOptions) {
    this.#options = options;
    this.#staleStore = new StaleStore({ maxEntries: options.maxStaleEntries ?? 10_000 });
    this.planCache = new PlanCache(options.blueprint, options.planCache);
    this.#variables = new VariableCoercion(options.blueprint.schema);
    this.#sharedBatches = this.#newSharedBatches(undefined);
    this.#markHeader = options.markHeader ?? 'x-tessera-traffic';
    const sharing = options.sharing ?? { operations: true, exceptOperations: [], exceptCallers: [] };
    const forwarded = [...options.blueprint.operations.values()].flatMap((op) => (op.forwardHeaders ?? []).map((h) => h.from));
    this.#sharing = sharing.operations ? new SharedOperations(sharing, forwarded) : undefined;
    const { sendFor, logger } = options;
    this.#productionSendFor = (op) => sendFor(op.connector);
    this.#onUnexpectedError = (error) => logger.error({ err: error }, 'unexpected error while executing');
    this.#onUpstreamError = (error, upstream) =>
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
      );
  }

  #newSharedBatches(traffic: string | undefined): SharedBatches | undefined {
    const options = this.#options;
    return options.batchAcrossRequests === false ? undefined : new SharedBatches((op) => options.sendFor(op.connector, traffic), options.batchAcrossRequestsAbove ?? 0.5);
  }

  /** The stale store and shared batches of a mark's traffic (made on its first request). */
  #markedState(traffic: string): { staleStore: StaleStore; sharedBatches: SharedBatches | undefined } {
    let state = this.#marked.get(traffic);
    if (!state) {
      state = { staleStore: new StaleStore({ maxEntries: this.#options.maxStaleEntries ?? 10_000 }), sharedBatches: this.#newSharedBatches(traffic) };
      this.#marked.set(traffic, state);
    }
    return state;
  }

  /** Runs one operation. Never throws for anything a caller or an upstream did. */
  async execute(request: ExecuteRequest): Promise<GatewayResult> {
    const logger = this.#options.logger;
    // undefined unless tracing is on and this request is sampled: nothing below then creates a span.
    const trace = this.#options.tracing?.beginExecution();
    const operation = this.planCache.selectOperation(request.prepared, request.operationName);
    if (operation instanceof GraphQLError) {
      trace?.finish([operation]);
      return { errors: [operation] };
    }
    trace?.operation(operation.operation, operation.name?.value);
    const coerced = this.#variables.coerce(operation, request.variables ?? {});
    if (coerced.errors) {
      // graphql-js suggests input field and enum value names; a caller who may not introspect gets none.
      const suggested = hidesSchema(request.scopes) ? coerced.errors.map(withoutSuggestions) : coerced.errors;
      const errors = suggested.map(withCode(ErrorCodes.REQUEST_INVALID_VARIABLES));
      trace?.finish(errors);
      return { errors };
    }
    const variables = coerced.coerced;

    let plan;
    try {
      plan = trace ? trace.plan(this.planCache.stats, () => this.planCache.plan(request.prepared, operation, variables, request.scopes)) : this.planCache.plan(request.prepared, operation, variables, request.scopes);
    } catch (error) {
      const errors = [toGraphQLError(error, undefined, (unexpected) => logger.error({ err: unexpected }, 'unexpected error while executing'))];
      trace?.finish(errors);
      return { errors };
    }
    if (plan.hasIntrospection && hidesSchema(request.scopes)) return { errors: [introspectionRefused()] };
    this.#options.usage?.record(plan, request.callerId, request.traffic);
    const sharing = this.#sharing;
    // A mutation's second run is a second effect; explain and a sampled trace want this request's own calls.
    if (!sharing || operation.operation !== 'query' || request.explain || trace) return this.#run(request, operation, variables, plan, trace);
    return sharing.run(
      {
        plan,
        operationName: operation.name?.value,
        variables,
        callerId: request.callerId,
        scopeKey: request.scopes === undefined ? undefined : this.planCache.scopeKey(request.scopes),
        traffic: request.traffic,
        callerHeaders: request.callerHeaders,
        deadlineAt: request.deadlineAt,
        requestId: request.requestId,
        body: request.body,
      },
      () => this.#run(request, operation, variables, plan, undefined),
    );
  }

  /**
   * The fast path's shortcut for a request identical, byte for byte and sender for sender, to
   * one being executed: its answer, without parsing, admitting or planning it again (all of which
   * would come out the same). Undefined when there is no such execution: the request then goes
   * the usual way. Never with explain or tracing (they want this request's own account).
   */
  joinIdentical(body: Buffer, request: Omit<ExecuteRequest, 'prepared' | 'operationName' | 'variables' | 'body'>): Promise<GatewayResult> | undefined {
    const sharing = this.#sharing;
    if (!sharing || request.explain || this.#options.tracing) return undefined;
    const sender = { callerId: request.callerId, scopeKey: request.scopes === undefined ? undefined : this.planCache.scopeKey(request.scopes), traffic: request.traffic, callerHeaders: request.callerHeaders };
    return sharing.joinByBody(body, sender, request.deadlineAt, request.requestId, (plan) => this.#options.usage?.record(plan, request.callerId, request.traffic));
  }

  /** Runs a planned operation: its fetches, post-processing and shaping, with this request's loaders. */
  async #run(request: ExecuteRequest, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>, plan: Plan, trace: ExecutionTrace | undefined): Promise<GatewayResult> {
    const blueprint = this.#options.blueprint;
    const onUnexpectedError = this.#onUnexpectedError;
    const introspection = plan.hasIntrospection ? this.#introspect(request, variables) : undefined;

    const stats = new Map<string, UpstreamCallStats>();
    const traffic = request.traffic;
    const marked = traffic === undefined ? undefined : this.#markedState(traffic);
    const sendFor = this.#options.sendFor;
    const loaders = new RequestLoaders({
      sendFor: traffic === undefined ? this.#productionSendFor : (op) => sendFor(op.connector, traffic),
      deadlineAt: request.deadlineAt,
      // A marked request's mark goes upstream on every call (HTTP header, gRPC metadata), so
      // upstreams that understand it can isolate too; it also keeps pooled calls apart.
      headers: traffic === undefined ? { 'x-request-id': request.requestId } : { 'x-request-id': request.requestId, [this.#markHeader]: traffic },
      callerHeaders: request.callerHeaders,
      limit: new ConcurrencyLimit(this.#options.maxConcurrentCallsPerRequest ?? 64),
      stats,
      traffic,
      markHeader: this.#markHeader,
      sharingScope: request.scopes === undefined ? undefined : this.planCache.scopeKey(request.scopes),
      sharedBatches: marked ? marked.sharedBatches : this.#sharedBatches,
      onUpstreamError: this.#onUpstreamError,
    });
    const { data, errors, fallbacks } = await executePlan({
      blueprint,
      plan,
      variables,
      loaders,
      introspection,
      staleStore: marked ? marked.staleStore : this.#staleStore,
      onUnexpectedError,
      dev: this.#options.dev === true,
      request: { id: request.requestId, nowMs: Date.now() },
      trace,
    });
    trace?.finish(errors);
    const upstreamCalls = Object.fromEntries(stats);
    const result: GatewayResult = errors.length > 0 ? { errors, data } : { data };
    if (request.explain) {
      const tessera = { plan: describePlan(plan), upstreamCalls: withAnswerLayouts(blueprint, upstreamCalls) };
      // Which target each fetch used for this mark is in its upstreamCalls entry (`target`).
      result.extensions = { tessera: traffic === undefined ? tessera : { traffic, ...tessera } };
    }
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
