/**
 * Counters and histograms for the hot path: a labelled series is a plain object of numbers
 * bound once, and counting is `cell.value += 1` (no label hashing, no allocation; prom-client's
 * own children hash their labels on every increment). prom-client's registry reads them at
 * scrape time through the `get()` shape it expects of any metric.
 */
type Labels = Readonly<Record<string, string>>;

interface MetricValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What prom-client's Registry reads from a metric (`registerMetric`). */
interface RegistryMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: 'sum' }>;
}

export interface CounterCell {
  value: number;
}

export class FastCounter implements RegistryMetric {
  readonly type = 'counter' as const;
  readonly aggregator = 'sum' as const;
  readonly #series = new Map<string, { labels: Labels; cell: CounterCell }>();

  readonly name: string;
  readonly help: string;

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  /** The series of these labels, created (at 0) on first use; keep it and bump `.value`. */
  cell(labels: Labels): CounterCell {
    const key = seriesKey(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { labels, cell: { value: 0 } };
      this.#series.set(key, series);
    }
    return series.cell;
  }

  get() {
    const values = [...this.#series.values()].map(({ labels, cell }) => ({ labels, value: cell.value }));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}

export interface HistogramCell {
  /** Per bucket (not cumulative), the last one being +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
  readonly bounds: readonly number[];
}

/** Adds one observation: a scan of a dozen bounds, no allocation. */
export function observe(cell: HistogramCell, value: number): void {
  const bounds = cell.bounds;
  let i = 0;
  while (i < bounds.length && value > bounds[i]!) i++;
  cell.counts[i]! += 1;
  cell.sum += value;
  cell.count += 1;
}

export class FastHistogram implements RegistryMetric {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #series = new Map<string, { labels: Labels; cell: HistogramCell }>();

  readonly name: string;
  readonly help: string;
  readonly bounds: readonly number[];

  constructor(name: string, help: string, bounds: readonly number[]) {
    this.name = name;
    this.help = help;
    this.bounds = bounds;
  }

  cell(labels: Labels): HistogramCell {
    const key = seriesKey(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { labels, cell: { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0, bounds: this.bounds } };
      this.#series.set(key, series);
    }
    return series.cell;
  }

  get() {
    const values: MetricValue[] = [];
    for (const { labels, cell } of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += cell.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: i < this.bounds.length ? String(this.bounds[i]) : '+Inf' }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels, value: cell.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: cell.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}

function seriesKey(labels: Labels): string {
  let key = '';
  for (const name of Object.keys(labels).sort()) key += `${name}\u0000${labels[name]}\u0001`;
  return key;
}
