import { performance } from 'node:perf_hooks';

/** One line of a micro-benchmark table. */
export interface MicroResult {
  name: string;
  opsPerSec: number;
  meanUs: number;
  p99Us: number;
  /** The figure this operation must stay under, in µs, when the issue sets one. */
  targetUs?: number;
}

export interface MicroOptions {
  /** Measured time, ms (after a warm-up of a fifth of it). Default 1000, or BENCH_MICRO_MS. */
  timeMs?: number;
  targetUs?: number;
}

/**
 * Times `fn` in samples of enough calls to last ≥ 50 µs each, so the timer's own cost does not
 * show, and reports the mean and the 99th percentile of the per-call time across samples.
 */
export function measure(name: string, fn: () => unknown, options: MicroOptions = {}): MicroResult {
  const timeMs = options.timeMs ?? Number(process.env.BENCH_MICRO_MS ?? 1000);
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (performance.now() - start >= 0.05 || batch >= 1 << 20) break;
    batch *= 2;
  }
  const run = (ms: number, keep: number[] | undefined): void => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const start = performance.now();
      for (let i = 0; i < batch; i++) fn();
      keep?.push(((performance.now() - start) * 1000) / batch);
    }
  };
  run(timeMs / 5, undefined);
  const samples: number[] = [];
  run(timeMs, samples);
  samples.sort((a, b) => a - b);
  const meanUs = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { name, opsPerSec: 1e6 / meanUs, meanUs, p99Us: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))]!, targetUs: options.targetUs };
}

/** Times an async `fn` one call at a time (for operations of a millisecond or more). */
export async function measureAsync(name: string, fn: () => Promise<unknown>, options: MicroOptions = {}): Promise<MicroResult> {
  const timeMs = options.timeMs ?? Number(process.env.BENCH_MICRO_MS ?? 1000);
  const warmUntil = performance.now() + timeMs / 5;
  while (performance.now() < warmUntil) await fn();
  const samples: number[] = [];
  const until = performance.now() + timeMs;
  while (performance.now() < until) {
    const start = performance.now();
    await fn();
    samples.push((performance.now() - start) * 1000);
  }
  samples.sort((a, b) => a - b);
  const meanUs = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { name, opsPerSec: 1e6 / meanUs, meanUs, p99Us: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))]!, targetUs: options.targetUs };
}

/** Prints one table: ops/s, mean and p99 per call, and the target with ok/MISSED where there is one. */
export function printTable(title: string, results: readonly MicroResult[]): void {
  const rows = results.map((r) => [
    r.name,
    Math.round(r.opsPerSec).toLocaleString('en-US'),
    formatUs(r.meanUs),
    formatUs(r.p99Us),
    r.targetUs === undefined ? '' : `≤ ${formatUs(r.targetUs)} ${r.meanUs <= r.targetUs ? 'ok' : 'MISSED'}`,
  ]);
  const header = ['operation', 'ops/s', 'mean', 'p99', 'target (mean)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(`\n${title} (Node ${process.version})`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

function formatUs(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(us < 10 ? 2 : 1)} µs`;
}
