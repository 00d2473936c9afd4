import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { FastCounter, FastHistogram, observe, type CounterCell, type HistogramCell } from './metrics-primitives.ts';
import type { SendWrapper } from '../resilience/compose.ts';
import type { ConnectorState } from '../resilience/connector-pipeline.ts';
import type { PlanCacheStats } from '../plan/plan-cache.ts';
import type { UpstreamCallStats } from '../execute/loaders.ts';
import { CallerLabels, OperationLabels } from './metrics-labels.ts';
import { upstreamOutcome } from './metrics-outcome.ts';

/** What the metrics need to know of one upstream operation, from the blueprint. */
export interface MeteredOperation {
  /** `connector.operation`, the key of a request's upstream call stats. */
  id: string;
  connector: string;
  name: string;
  /** The operation opted into the response cache: its calls are cache hits or misses. */
  cached: boolean;
}

/** Where the gauges read their values at scrape time (nothing is sampled on the hot path). */
export interface MetricsSources {
  inFlight(): number;
  connectorStates(): Record<string, ConnectorState>;
  /** Per traffic mark that has made a call, its own connector states (its breakers, slots and queues). */
  markedConnectorStates?(): Record<string, Record<string, ConnectorState>>;
  planCache(): { size: number; stats: PlanCacheStats };
}

export interface GatewayMetricsOptions {
  /** Caller ids that get a label of their own; every other caller is `other`. */
  callers: Iterable<string>;
  /** Distinct operation names labelled before the rest collapse into `other`. */
  maxOperationNames: number;
  operations: Iterable<MeteredOperation>;
}

// Seconds; from a cache hit (sub-millisecond) to a request at the default 10 s deadline.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];
const BREAKER_STATES = ['closed', 'open', 'halfOpen', 'disabled'] as const;

interface OperationChildren {
  batchSize: HistogramCell;
  retries: CounterCell;
  cacheHits: CounterCell;
  cacheMisses: CounterCell;
  coalesced: CounterCell;
  cached: boolean;
}

interface UpstreamChildren {
  duration: HistogramCell;
  ok: CounterCell;
  /** Failure outcome label → counter cell, filled on first use of each outcome. */
  failures: Map<string, CounterCell>;
  connector: string;
  operation: string;
}

/** Per operation label (with the mark first for marked traffic): per caller label: per HTTP status, the request counter cell. */
type RequestCells = Map<string, { duration: HistogramCell; byCaller: Map<string, Map<number, CounterCell>> }>;

/** The `traffic` label of unmarked requests; marked ones carry their mark (a bounded set from gateway.yaml). */
export const PRODUCTION_TRAFFIC = 'production';

/**
 * The gateway's Prometheus metrics (prom-client's registry and process metrics, one registry per
 * gateway). The hot-path series are metrics-primitives.ts cells bound once per label combination,
 * so a request pays a few map lookups and increments, no label hashing and no allocation. Per-request upstream counts (batch sizes, retries, cache hits) are read once
 * from the stats the executor already keeps for the access log; only the upstream call counter
 * and its duration are per call.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #operationLabels: OperationLabels;
  readonly #callerLabels: CallerLabels;
  readonly #requests: FastCounter;
  readonly #requestDuration: FastHistogram;
  readonly #requestCells: RequestCells = new Map();
  readonly #upstreamCalls: FastCounter;
  readonly #upstreamDuration: FastHistogram;
  readonly #batchSize: FastHistogram;
  readonly #retries: FastCounter;
  readonly #cacheHits: FastCounter;
  readonly #cacheMisses: FastCounter;
  readonly #coalesced: FastCounter;
  readonly #operations = new Map<string, OperationChildren>();
  /** The same per marked traffic, keyed `mark\u0000id`, bound on first use. */
  readonly #markedOperations = new Map<string, OperationChildren | undefined>();
  readonly #metered = new Map<string, MeteredOperation>();
  readonly #shed: { overloaded: CounterCell; rate_limited: CounterCell };
  readonly #sharedRequests: FastCounter;
  /** `tessera_requests_shared_total` per traffic label, bound on first use. */
  readonly #sharedCells = new Map<string, CounterCell>();
  readonly #reloads: Counter<'result'>;
  readonly #configInfo: Gauge<'version'>;
  readonly #lastReloadOk: Gauge;
  #sources: MetricsSources | undefined;
  /** Plan cache counts of configs replaced by a reload: the counters never go down. */
  #retiredPlanHits = 0;
  #retiredPlanMisses = 0;

  constructor(options: GatewayMetricsOptions) {
    const registers = [this.registry];
    this.#operationLabels = new OperationLabels(options.maxOperationNames);
    this.#callerLabels = new CallerLabels(options.callers);
    const fast = <T extends FastCounter | FastHistogram>(metric: T): T => {
      this.registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
      return metric;
    };
    this.#requests = fast(new FastCounter('tessera_requests_total', 'GraphQL requests answered, by operation name, HTTP status and caller.'));
    this.#requestDuration = fast(new FastHistogram('tessera_request_duration_seconds', 'Time from arrival to the last byte of the answer.', DURATION_BUCKETS));
    this.#upstreamCalls = fast(new FastCounter('tessera_upstream_calls_total', 'Upstream call attempts (each retry is one more), by connector, operation and outcome.'));
    this.#upstreamDuration = fast(new FastHistogram('tessera_upstream_call_duration_seconds', 'Duration of one upstream call attempt, queueing for a connector slot included.', DURATION_BUCKETS));
    this.#batchSize = fast(new FastHistogram('tessera_upstream_batch_size', 'Keys per call of batched operations.', BATCH_BUCKETS));
    this.#retries = fast(new FastCounter('tessera_upstream_retries_total', 'Retries made within the connector retry budget.'));
    this.#cacheHits = fast(new FastCounter('tessera_upstream_cache_hits_total', 'Calls of cached operations answered by the response cache.'));
    this.#cacheMisses = fast(new FastCounter('tessera_upstream_cache_misses_total', 'Calls of cached operations that had to go upstream.'));
    this.#coalesced = fast(new FastCounter('tessera_upstream_coalesced_total', 'Calls answered by an identical call already in flight (coalesce: true).'));
    const shed = fast(new FastCounter('tessera_requests_shed_total', 'Requests refused before any work: overloaded (503) or rate_limited (429).'));
    this.#shed = { overloaded: shed.cell({ reason: 'overloaded' }), rate_limited: shed.cell({ reason: 'rate_limited' }) };
    this.#sharedRequests = fast(new FastCounter('tessera_requests_shared_total', 'Requests answered by an identical query already in flight (one execution, one answer).'));
    this.#reloads = new Counter({ name: 'tessera_config_reloads_total', help: 'Config reloads by result: ok (swapped in), failed (kept the old config), unchanged.', labelNames: ['result'], registers });
    this.#lastReloadOk = new Gauge({ name: 'tessera_config_last_reload_success', help: '1 if the last reload attempt succeeded (or none was made), 0 if it failed.', registers });
    this.#lastReloadOk.set(1);
    this.#configInfo = new Gauge({ name: 'tessera_config_info', help: 'The config version being served (value always 1).', labelNames: ['version'], registers });
    // The gauges' collect() runs with `this` bound to the gauge; these read the gateway's state.
    const sources = () => this.#sources;
    const retired = () => ({ hits: this.#retiredPlanHits, misses: this.#retiredPlanMisses });
    new Gauge({
      name: 'tessera_requests_in_flight',
      help: 'GraphQL requests being served now.',
      registers,
      collect() {
        this.set(sources()?.inFlight() ?? 0);
      },
    });
    new Gauge({
      name: 'tessera_circuit_breaker_state',
      help: 'Per connector and traffic (production, or a mark with its own breakers), 1 for the breaker state it is in (closed, open, halfOpen, disabled), 0 for the others.',
      labelNames: ['connector', 'state', 'traffic'],
      registers,
      collect() {
        this.reset();
        const byTraffic: [string, Record<string, ConnectorState>][] = [[PRODUCTION_TRAFFIC, sources()?.connectorStates() ?? {}], ...Object.entries(sources()?.markedConnectorStates?.() ?? {})];
        for (const [traffic, states] of byTraffic) {
          for (const [connector, state] of Object.entries(states)) {
            for (const s of BREAKER_STATES) this.set({ connector, state: s, traffic }, s === state.breaker ? 1 : 0);
          }
        }
      },
    });
    new Gauge({
      name: 'tessera_connector_calls_in_flight',
      help: 'Upstream calls in flight per connector.',
      labelNames: ['connector'],
      registers,
      collect() {
        this.reset();
        for (const [connector, state] of Object.entries(sources()?.connectorStates() ?? {})) this.set({ connector }, state.inFlight);
      },
    });
    new Gauge({
      name: 'tessera_connector_calls_queued',
      help: 'Upstream calls waiting for a connector slot.',
      labelNames: ['connector'],
      registers,
      collect() {
        this.reset();
        for (const [connector, state] of Object.entries(sources()?.connectorStates() ?? {})) this.set({ connector }, state.queued);
      },
    });
    new Gauge({
      name: 'tessera_plan_cache_size',
      help: 'Plans in the plan cache.',
      registers,
      collect() {
        this.set(sources()?.planCache().size ?? 0);
      },
    });
    new Counter({
      name: 'tessera_plan_cache_lookups_total',
      help: 'Plan cache lookups by result (hit, miss), across reloads.',
      labelNames: ['result'],
      registers,
      collect() {
        const stats = sources()?.planCache().stats;
        this.reset();
        this.inc({ result: 'hit' }, retired().hits + (stats?.planHits ?? 0));
        this.inc({ result: 'miss' }, retired().misses + (stats?.planMisses ?? 0));
      },
    });
    new Gauge({
      name: 'tessera_plan_cache_hit_ratio',
      help: 'Plan cache hits / lookups of the config being served (0 before any lookup).',
      registers,
      collect() {
        const stats = sources()?.planCache().stats;
        const lookups = (stats?.planHits ?? 0) + (stats?.planMisses ?? 0);
        this.set(lookups === 0 ? 0 : stats!.planHits / lookups);
      },
    });
    collectDefaultMetrics({ register: this.registry });
    this.setOperations(options.operations);
  }

  /** Binds the children of a config's upstream operations (at boot and after each reload). */
  setOperations(operations: Iterable<MeteredOperation>): void {
    this.#markedOperations.clear();
    for (const op of operations) {
      // Zeros are exported from the start, so rate() and alerts see the series before the first event.
      this.#operations.set(op.id, this.#operationChildren(op, PRODUCTION_TRAFFIC));
      this.#metered.set(op.id, op);
    }
  }

  #operationChildren(op: MeteredOperation, traffic: string): OperationChildren {
    const labels = { connector: op.connector, operation: op.name, traffic };
    return {
      batchSize: this.#batchSize.cell(labels),
      retries: this.#retries.cell(labels),
      cacheHits: op.cached ? this.#cacheHits.cell(labels) : { value: 0 },
      cacheMisses: op.cached ? this.#cacheMisses.cell(labels) : { value: 0 },
      coalesced: this.#coalesced.cell(labels),
      cached: op.cached,
    };
  }

  /** A marked traffic's cells of one operation, bound on its first marked request. */
  #markedChildren(id: string, traffic: string): OperationChildren | undefined {
    const key = `${traffic}\u0000${id}`;
    if (this.#markedOperations.has(key)) return this.#markedOperations.get(key);
    const op = this.#metered.get(id);
    const children = op && this.#operationChildren(op, traffic);
    this.#markedOperations.set(key, children);
    return children;
  }

  setSources(sources: MetricsSources): void {
    this.#sources = sources;
  }

  /** A reload replaced the plan cache: keep its counts so the lookup counters stay monotonic. */
  retirePlanCache(stats: PlanCacheStats): void {
    this.#retiredPlanHits += stats.planHits;
    this.#retiredPlanMisses += stats.planMisses;
  }

  /** Called once per answered /graphql request (both doors), after the answer is sent; `traffic` is its mark (undefined: production). */
  requestDone(
    operationName: string | undefined,
    callerId: string | undefined,
    status: number,
    startedAt: number,
    upstreamCalls: Record<string, UpstreamCallStats> | undefined,
    traffic?: string,
    shared?: boolean,
  ): void {
    const operation = this.#operationLabels.label(operationName);
    const cellKey = traffic === undefined ? operation : `${traffic}\u0000${operation}`;
    let byOperation = this.#requestCells.get(cellKey);
    const trafficLabel = traffic ?? PRODUCTION_TRAFFIC;
    if (!byOperation) {
      byOperation = { duration: this.#requestDuration.cell({ operation, traffic: trafficLabel }), byCaller: new Map() };
      this.#requestCells.set(cellKey, byOperation);
    }
    const caller = this.#callerLabels.label(callerId);
    let byStatus = byOperation.byCaller.get(caller);
    if (!byStatus) {
      byStatus = new Map();
      byOperation.byCaller.set(caller, byStatus);
    }
    let counter = byStatus.get(status);
    if (!counter) {
      counter = this.#requests.cell({ operation, status: String(status), caller, traffic: trafficLabel });
      byStatus.set(status, counter);
    }
    counter.value += 1;
    observe(byOperation.duration, (performance.now() - startedAt) / 1000);
    if (upstreamCalls) this.#countUpstream(upstreamCalls, traffic);
    if (shared) {
      let cell = this.#sharedCells.get(trafficLabel);
      if (!cell) {
        cell = this.#sharedRequests.cell({ traffic: trafficLabel });
        this.#sharedCells.set(trafficLabel, cell);
      }
      cell.value += 1;
    }
  }

  #countUpstream(upstreamCalls: Record<string, UpstreamCallStats>, traffic: string | undefined): void {
    for (const id in upstreamCalls) {
      const children = traffic === undefined ? this.#operations.get(id) : this.#markedChildren(id, traffic);
      if (!children) continue;
      const stats = upstreamCalls[id]!;
      for (const size of stats.batchSizes) observe(children.batchSize, size);
      children.retries.value += stats.retries;
      if (children.cached) {
        children.cacheHits.value += stats.cacheHits;
        children.cacheMisses.value += stats.calls - stats.cacheHits;
      }
      if (stats.coalesced) children.coalesced.value += stats.coalesced;
    }
  }

  /** A request refused by admission: `overloaded` (503) or `rate_limited` (429). */
  shed(reason: 'overloaded' | 'rate_limited'): void {
    this.#shed[reason].value += 1;
  }

  /** A reload attempt ended. */
  reloaded(result: 'ok' | 'failed' | 'unchanged'): void {
    this.#reloads.inc({ result });
    if (result !== 'unchanged') this.#lastReloadOk.set(result === 'ok' ? 1 : 0);
  }

  /** The config version now served. */
  setConfigVersion(version: string): void {
    this.#configInfo.reset();
    this.#configInfo.set({ version }, 1);
  }

  /**
   * The connector's wrapper that counts each call attempt by outcome and times it. It sits
   * inside retry (each attempt is counted) and outside the bulkhead and breaker, so
   * `overloaded` and `circuit_open` refusals are counted too.
   */
  upstreamWrapper(connector: string, traffic: string = PRODUCTION_TRAFFIC): SendWrapper {
    const byOperation = new Map<string, UpstreamChildren>();
    const childrenOf = (operation: string): UpstreamChildren => {
      let children = byOperation.get(operation);
      if (!children) {
        const labels = { connector, operation, traffic };
        children = { duration: this.#upstreamDuration.cell(labels), ok: this.#upstreamCalls.cell({ ...labels, outcome: 'ok' }), failures: new Map(), connector, operation };
        byOperation.set(operation, children);
      }
      return children;
    };
    const calls = this.#upstreamCalls;
    return (next) => (request, options) => {
      const children = childrenOf(request.operation);
      const startedAt = performance.now();
      return next(request, options).then(
        (response) => {
          children.ok.value += 1;
          observe(children.duration, (performance.now() - startedAt) / 1000);
          return response;
        },
        (error: unknown) => {
          const outcome = upstreamOutcome(error);
          let counter = children.failures.get(outcome);
          if (!counter) {
            counter = calls.cell({ connector: children.connector, operation: children.operation, outcome, traffic });
            children.failures.set(outcome, counter);
          }
          counter.value += 1;
          observe(children.duration, (performance.now() - startedAt) / 1000);
          throw error;
        },
      );
    };
  }

  /** The exposition text a scrape gets. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
