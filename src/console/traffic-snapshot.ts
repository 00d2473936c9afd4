import type { GatewayMetrics } from '../observability/metrics.ts';

/** Counts per histogram bucket (not cumulative; the last bucket is +Inf), their sum and total. */
export interface HistogramCounts {
  counts: number[];
  sum: number;
  count: number;
}

/** One connector's upstream counters, summed over its operations. */
export interface ConnectorCounters {
  /** Call attempts by outcome: `ok`, `timeout`, `http_error`, `circuit_open`, … */
  outcomes: Record<string, number>;
  duration: HistogramCounts;
  batchSize: HistogramCounts;
  retries: number;
  cacheHits: number;
  cacheMisses: number;
}

/** One caller's answered requests, by HTTP status and by operation name. */
export interface CallerCounters {
  byStatus: Record<string, number>;
  byOperation: Record<string, number>;
}

/** The gateway's counters at one moment, as the metrics hold them (cumulative since start). */
export interface TrafficSnapshot {
  /** Epoch ms. */
  at: number;
  connectors: Record<string, ConnectorCounters>;
  callers: Record<string, CallerCounters>;
}

/** Upper bounds of the duration histogram's buckets, in seconds (read from the metric). */
export interface HistogramBounds {
  durationSeconds: readonly number[];
  batchSize: readonly number[];
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

interface ReadableMetric {
  get(): Promise<{ values: MetricValue[] }>;
  bounds?: readonly number[];
}

/** An empty snapshot: before the first request every counter is 0. */
export function emptySnapshot(at: number): TrafficSnapshot {
  return { at, connectors: {}, callers: {} };
}

/**
 * Reads the counters the console shows from the gateway's metrics: nothing is counted twice,
 * and nothing is added to the hot path. Called every 10 s and on each admin API request.
 */
export async function readTrafficSnapshot(metrics: GatewayMetrics, at: number): Promise<TrafficSnapshot> {
  const metric = (name: string) => metrics.registry.getSingleMetric(name) as unknown as ReadableMetric;
  const [calls, duration, batch, retries, hits, misses, requests] = await Promise.all(
    ['tessera_upstream_calls_total', 'tessera_upstream_call_duration_seconds', 'tessera_upstream_batch_size', 'tessera_upstream_retries_total', 'tessera_upstream_cache_hits_total', 'tessera_upstream_cache_misses_total', 'tessera_requests_total'].map((name) => metric(name).get()),
  );
  const snapshot = emptySnapshot(at);
  const bounds = histogramBounds(metrics);
  const connector = (name: string): ConnectorCounters => {
    let counters = snapshot.connectors[name];
    if (!counters) {
      counters = { outcomes: {}, duration: emptyHistogram(bounds.durationSeconds.length), batchSize: emptyHistogram(bounds.batchSize.length), retries: 0, cacheHits: 0, cacheMisses: 0 };
      snapshot.connectors[name] = counters;
    }
    return counters;
  };
  for (const { labels, value } of calls!.values) {
    const outcomes = connector(String(labels.connector)).outcomes;
    const outcome = String(labels.outcome);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + value;
  }
  addHistogram(duration!.values, bounds.durationSeconds, (labels) => connector(String(labels.connector)).duration);
  addHistogram(batch!.values, bounds.batchSize, (labels) => connector(String(labels.connector)).batchSize);
  for (const { labels, value } of retries!.values) connector(String(labels.connector)).retries += value;
  for (const { labels, value } of hits!.values) connector(String(labels.connector)).cacheHits += value;
  for (const { labels, value } of misses!.values) connector(String(labels.connector)).cacheMisses += value;
  for (const { labels, value } of requests!.values) {
    const name = String(labels.caller);
    const caller = (snapshot.callers[name] ??= { byStatus: {}, byOperation: {} });
    const status = String(labels.status);
    const operation = String(labels.operation);
    caller.byStatus[status] = (caller.byStatus[status] ?? 0) + value;
    caller.byOperation[operation] = (caller.byOperation[operation] ?? 0) + value;
  }
  return snapshot;
}

/** The bucket bounds of the two histograms the console reads. */
export function histogramBounds(metrics: GatewayMetrics): HistogramBounds {
  const bounds = (name: string) => (metrics.registry.getSingleMetric(name) as unknown as ReadableMetric).bounds ?? [];
  return { durationSeconds: bounds('tessera_upstream_call_duration_seconds'), batchSize: bounds('tessera_upstream_batch_size') };
}

function emptyHistogram(bounds: number): HistogramCounts {
  return { counts: new Array<number>(bounds + 1).fill(0), sum: 0, count: 0 };
}

/** Adds a histogram's exposition values (cumulative `_bucket`s by `le`, `_sum`, `_count`) into per-bucket counts. */
function addHistogram(values: MetricValue[], bounds: readonly number[], into: (labels: MetricValue['labels']) => HistogramCounts): void {
  // Buckets come in order per series, cumulative: per-bucket counts are the differences.
  let previous = 0;
  let index = 0;
  for (const { labels, value, metricName } of values) {
    const target = into(labels);
    if (metricName?.endsWith('_bucket')) {
      if (labels.le === String(bounds[0])) {
        previous = 0;
        index = 0;
      }
      target.counts[index]! += value - previous;
      previous = value;
      index += 1;
    } else if (metricName?.endsWith('_sum')) target.sum += value;
    else if (metricName?.endsWith('_count')) target.count += value;
  }
}
