import type { CallerCounters, ConnectorCounters, HistogramCounts, TrafficSnapshot } from './traffic-snapshot.ts';
import { emptySnapshot } from './traffic-snapshot.ts';

export const BUCKET_MS = 10_000; // 10 s per sparkline point
export const BUCKETS = 30; // 30 × 10 s: the last 5 minutes

/**
 * The last few minutes of traffic, as a bounded ring of snapshots of the metrics' counters taken
 * every 10 s (31 snapshots at most, whatever the traffic). A figure over the window is the
 * difference between now and the oldest snapshot; a sparkline point is the difference between
 * two neighbours. The hot path does nothing for it: the counters are the metrics' own.
 */
export class TrafficWindow {
  readonly #read: (at: number) => Promise<TrafficSnapshot>;
  readonly #now: () => number;
  readonly #ring: TrafficSnapshot[];
  readonly #timer: NodeJS.Timeout;

  constructor(read: (at: number) => Promise<TrafficSnapshot>, now: () => number = Date.now) {
    this.#read = read;
    this.#now = now;
    // The gateway starts with every counter at 0: the first snapshot needs no reading.
    this.#ring = [emptySnapshot(now())];
    this.#timer = setInterval(() => void this.#tick(), BUCKET_MS);
    this.#timer.unref();
  }

  /** The ring's snapshots, oldest first, and one taken now (the newest, partial bucket). */
  async snapshots(): Promise<TrafficSnapshot[]> {
    return [...this.#ring, await this.#read(this.#now())];
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #tick(): Promise<void> {
    this.#ring.push(await this.#read(this.#now()));
    if (this.#ring.length > BUCKETS + 1) this.#ring.shift();
  }
}

/** What happened between two snapshots of one connector (a connector absent from `from` counts as zeros). */
export function connectorDelta(from: ConnectorCounters | undefined, to: ConnectorCounters): ConnectorCounters {
  if (!from) return to;
  const outcomes: Record<string, number> = {};
  for (const [outcome, n] of Object.entries(to.outcomes)) outcomes[outcome] = n - (from.outcomes[outcome] ?? 0);
  return {
    outcomes,
    duration: histogramDelta(from.duration, to.duration),
    batchSize: histogramDelta(from.batchSize, to.batchSize),
    retries: to.retries - from.retries,
    cacheHits: to.cacheHits - from.cacheHits,
    cacheMisses: to.cacheMisses - from.cacheMisses,
  };
}

/** What one caller did between two snapshots. */
export function callerDelta(from: CallerCounters | undefined, to: CallerCounters): CallerCounters {
  if (!from) return to;
  const minus = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.entries(a).map(([k, n]) => [k, n - (b[k] ?? 0)]));
  return { byStatus: minus(to.byStatus, from.byStatus), byOperation: minus(to.byOperation, from.byOperation) };
}

function histogramDelta(from: HistogramCounts, to: HistogramCounts): HistogramCounts {
  return { counts: to.counts.map((n, i) => n - (from.counts[i] ?? 0)), sum: to.sum - from.sum, count: to.count - from.count };
}
