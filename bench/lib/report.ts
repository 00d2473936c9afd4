/**
 * The servers of a row: the gateway on the demo config; `gateway-solo`, the same gateway with
 * `batch.acrossRequests` off (each request batches alone, as the baseline does); the hand-written
 * baseline; the floor server (the scenario's ideal upstream calls, no GraphQL); the ceiling
 * server (prebuilt answers, no upstream calls at all); the upstream called directly.
 */
export type Target = 'gateway' | 'gateway-solo' | 'baseline' | 'floor' | 'ceiling' | 'direct';

/**
 * What the load sends: `varied`, each of a scenario's variants in turn (requests in flight
 * together ask for different ids, so no server can share one's upstream calls with another's);
 * `identical`, the scenario's first variant on every connection (a server may share identical calls).
 */
export type Mode = 'varied' | 'identical';

export const MODES: readonly Mode[] = ['varied', 'identical'];

/** One measured row of the table. */
export interface Row {
  scenario: string;
  target: Target;
  /** What the load sent; absent in results from before identical mode, which were all varied. */
  mode?: Mode;
  delayMs: number;
  rps: number;
  /**
   * RPS of each slice, in the order taken. Slice i of every server of a scenario ran in the same
   * round, seconds apart, so per-round ratios show how much of a ratio is the machine drifting.
   */
  roundRps?: number[];
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
  /**
   * Upstream requests per request sent, under load (0 for the direct row, which is the upstream,
   * and for the ceiling, which makes none). In identical mode it may fall far below the ideal:
   * a server that shares identical calls in flight makes one for many requests.
   */
  callsPerRequest: number;
  /** The scenario's ideal upstream calls per request (every level in one batched call per operation); absent in older results. */
  idealCallsPerRequest?: number;
  peakRssMb: number;
  /**
   * CPU time the server process used per answered request (user + system). Unlike RPS it hardly
   * moves when other processes compete for the core, so it is the steadier figure on a shared machine.
   */
  cpuUsPerRequest: number;
  /** Of that CPU time, garbage-collection pauses per answered request (µs). */
  gcUsPerRequest?: number;
  /**
   * The busiest slice's share of the load core (autocannon plus the upstreams; 1 = the whole
   * core), measured only when the servers are pinned.
   */
  loadCoreBusy?: number;
}

/** Scenario, delay, mode and server: text, left-aligned; the figures after them are right-aligned. */
const LEFT_COLUMNS = 4;

/** Above this share of the load core, a row may measure the load generator rather than the server. */
export const LOAD_CORE_BUSY_LIMIT = 0.9;

/** A line to print under a row whose load core was nearly full, or undefined. */
export function loadCoreWarning(row: Row): string | undefined {
  if (row.loadCoreBusy === undefined || row.loadCoreBusy < LOAD_CORE_BUSY_LIMIT) return undefined;
  return `! ${row.scenario} ${row.delayMs} ms ${modeOf(row)} ${row.target}: the load core was ${(row.loadCoreBusy * 100).toFixed(0)}% busy (autocannon and the upstreams); this row may understate the server.`;
}

/** A row's mode: results from before identical mode carry none, and were all varied. */
export function modeOf(row: Row): Mode {
  return row.mode ?? 'varied';
}

/** The row of `target` a row is compared with: same scenario, delay and mode. */
export function counterpartOf(rows: readonly Row[], row: Row, target: Target): Row | undefined {
  return rows.find((r) => r.target === target && r.scenario === row.scenario && r.delayMs === row.delayMs && modeOf(r) === modeOf(row));
}

/** The baseline row a row is compared with: same scenario, delay and mode. */
export function baselineOf(rows: readonly Row[], row: Row): Row | undefined {
  return counterpartOf(rows, row, 'baseline');
}

/** The ceiling row a row is compared with: same scenario, delay and mode (the ceiling is measured at 0 ms only). */
export function ceilingOf(rows: readonly Row[], row: Row): Row | undefined {
  return counterpartOf(rows, row, 'ceiling');
}

/**
 * The table the runner prints (also quoted in docs/performance.md): one line per row, ratios
 * against the baseline and the ceiling of the same scenario, delay and mode.
 */
export function formatTable(rows: readonly Row[]): string {
  const header = ['scenario', 'delay', 'mode', 'server', 'RPS', 'p50 ms', 'p90 ms', 'p99 ms', 'err', 'non2xx', 'calls/req', 'ideal', 'peak RSS MB', 'CPU µs/req', 'GC µs/req', 'RPS ×base', 'p99 ×base', 'CPU ×base', 'RPS ×ceil'];
  const lines = rows.map((row) => {
    const base = baselineOf(rows, row);
    const ceiling = ceilingOf(rows, row);
    // Neither the upstream itself nor the ceiling is meant to make upstream calls: no ideal to compare with.
    const noIdeal = row.target === 'direct' || row.target === 'ceiling';
    return [
      row.scenario,
      `${row.delayMs} ms`,
      modeOf(row),
      row.target,
      row.rps.toFixed(0),
      row.p50.toFixed(1),
      row.p90.toFixed(1),
      row.p99.toFixed(1),
      String(row.errors),
      String(row.non2xx),
      row.target === 'direct' ? '—' : row.callsPerRequest.toFixed(2),
      noIdeal || row.idealCallsPerRequest === undefined ? '—' : row.idealCallsPerRequest.toFixed(2),
      row.peakRssMb.toFixed(0),
      row.cpuUsPerRequest.toFixed(0),
      row.gcUsPerRequest === undefined ? '—' : row.gcUsPerRequest.toFixed(0),
      base ? (row.rps / base.rps).toFixed(2) : '—',
      base && base.p99 > 0 ? (row.p99 / base.p99).toFixed(2) : '—',
      base && base.cpuUsPerRequest > 0 ? (row.cpuUsPerRequest / base.cpuUsPerRequest).toFixed(2) : '—',
      ceiling && ceiling.rps > 0 ? (row.rps / ceiling.rps).toFixed(2) : '—',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: readonly string[]) => `| ${cells.map((c, i) => (i < LEFT_COLUMNS ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [format(header), `|${widths.map((w, i) => (i < LEFT_COLUMNS ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`, ...lines.map(format)].join('\n');
}
