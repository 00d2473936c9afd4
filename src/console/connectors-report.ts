import type { ConnectorState } from '../resilience/index.ts';
import type { ConnectionCheckState } from '../server/readiness.ts';
import { histogramQuantile } from './histogram-quantile.ts';
import type { ConnectorCounters, HistogramBounds, TrafficSnapshot } from './traffic-snapshot.ts';
import { connectorDelta } from './traffic-window.ts';

/** What the console knows of one connector besides its traffic. */
export interface ConnectorInfo {
  name: string;
  transport: string;
  state: ConnectorState;
  /** Epoch ms. */
  breakerSince: number;
  concurrency: { maxConcurrent: number; maxQueue: number };
  operations: string[];
  connectionCheck: ConnectionCheckState;
}

/** One connector's figures over a stretch of time. */
export interface ConnectorTraffic {
  calls: number;
  callsPerSecond: number;
  errors: number;
  /** errors / calls, 0..1 (0 without calls). */
  errorRate: number;
  /** Failed attempts by kind: `timeout`, `http_error`, `unavailable`, `circuit_open`, … */
  errorsByKind: Record<string, number>;
  /** Attempt latency estimated from the duration histogram; null without calls. */
  latencyMs: { p50: number | null; p99: number | null };
  batches: { calls: number; keys: number; meanSize: number | null };
  retries: number;
  cache: { hits: number; misses: number; hitRate: number | null };
}

export interface ConnectorReport {
  name: string;
  transport: string;
  /** `down` (breaker open), `recovering` (half-open), `degraded` (≥ 5 % of the window's calls failed), `ok`. */
  health: 'ok' | 'degraded' | 'recovering' | 'down';
  breaker: { state: ConnectorState['breaker']; since: string };
  concurrency: { inFlight: number; queued: number; maxConcurrent: number; maxQueue: number };
  connectionCheck: ConnectionCheckState;
  operations: string[];
  window: ConnectorTraffic;
  /** One point per 10 s bucket, oldest first; the last one is the bucket in progress. */
  series: { at: string; calls: number; errors: number; p50Ms: number | null; p99Ms: number | null }[];
}

const DEGRADED_ERROR_RATE = 0.05;

/** The `GET /admin/api/connectors` answer. */
export function connectorsReport(snapshots: readonly TrafficSnapshot[], bounds: HistogramBounds, connectors: readonly ConnectorInfo[]): { windowSeconds: number; connectors: ConnectorReport[] } {
  const first = snapshots[0]!;
  const last = snapshots[snapshots.length - 1]!;
  const windowSeconds = seconds(first, last);
  return {
    windowSeconds,
    connectors: connectors.map((info) => {
      const window = traffic(last.connectors[info.name], first.connectors[info.name], windowSeconds, bounds);
      const series = snapshots.slice(1).map((to, i) => {
        const point = traffic(to.connectors[info.name], snapshots[i]!.connectors[info.name], seconds(snapshots[i]!, to), bounds);
        return { at: new Date(to.at).toISOString(), calls: point.calls, errors: point.errors, p50Ms: point.latencyMs.p50, p99Ms: point.latencyMs.p99 };
      });
      const breaker = info.state.breaker;
      const health = breaker === 'open' ? 'down' : breaker === 'halfOpen' ? 'recovering' : window.errorRate >= DEGRADED_ERROR_RATE ? 'degraded' : 'ok';
      return {
        name: info.name,
        transport: info.transport,
        health,
        breaker: { state: breaker, since: new Date(info.breakerSince).toISOString() },
        concurrency: { inFlight: info.state.inFlight, queued: info.state.queued, ...info.concurrency },
        connectionCheck: info.connectionCheck,
        operations: info.operations,
        window,
        series,
      };
    }),
  };
}

function seconds(from: TrafficSnapshot, to: TrafficSnapshot): number {
  return Math.max(0.001, (to.at - from.at) / 1000);
}

function traffic(to: ConnectorCounters | undefined, from: ConnectorCounters | undefined, windowSeconds: number, bounds: HistogramBounds): ConnectorTraffic {
  const d = to ? connectorDelta(from, to) : undefined;
  const errorsByKind: Record<string, number> = {};
  let calls = 0;
  let errors = 0;
  for (const [outcome, n] of Object.entries(d?.outcomes ?? {})) {
    calls += n;
    if (outcome === 'ok' || n === 0) continue;
    errors += n;
    errorsByKind[outcome] = n;
  }
  const ms = (q: number) => {
    const s = d ? histogramQuantile(q, d.duration.counts, bounds.durationSeconds) : undefined;
    return s === undefined ? null : Math.round(s * 1_000_000) / 1_000; // ms, to the µs
  };
  const hits = d?.cacheHits ?? 0;
  const misses = d?.cacheMisses ?? 0;
  const batchCalls = d?.batchSize.count ?? 0;
  const keys = d?.batchSize.sum ?? 0;
  return {
    calls,
    callsPerSecond: round(calls / windowSeconds),
    errors,
    errorRate: calls === 0 ? 0 : round(errors / calls),
    errorsByKind,
    latencyMs: { p50: ms(0.5), p99: ms(0.99) },
    batches: { calls: batchCalls, keys, meanSize: batchCalls === 0 ? null : round(keys / batchCalls) },
    retries: d?.retries ?? 0,
    cache: { hits, misses, hitRate: hits + misses === 0 ? null : round(hits / (hits + misses)) },
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
