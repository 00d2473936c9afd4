/**
 * The servers of a row: the gateway on the demo config; `gateway-solo`, the same gateway with
 * `batch.acrossRequests` off (each request batches alone, as the baseline does); the hand-written
 * baseline; the floor server; the upstream called directly.
 */
export type Target = 'gateway' | 'gateway-solo' | 'baseline' | 'floor' | 'direct';

/** One measured row of the table. */
export interface Row {
  scenario: string;
  target: Target;
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
  /** Upstream requests per answered request (0 for the direct row, which is the upstream). */
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

/** Above this share of the load core, a row may measure the load generator rather than the server. */
export const LOAD_CORE_BUSY_LIMIT = 0.9;

/** A line to print under a row whose load core was nearly full, or undefined. */
export function loadCoreWarning(row: Row): string | undefined {
  if (row.loadCoreBusy === undefined || row.loadCoreBusy < LOAD_CORE_BUSY_LIMIT) return undefined;
  return `! ${row.scenario} ${row.delayMs} ms ${row.target}: the load core was ${(row.loadCoreBusy * 100).toFixed(0)}% busy (autocannon and the upstreams); this row may understate the server.`;
}

/** The baseline row a row is compared with: same scenario and delay. */
export function baselineOf(rows: readonly Row[], row: Row): Row | undefined {
  return rows.find((r) => r.target === 'baseline' && r.scenario === row.scenario && r.delayMs === row.delayMs);
}

/** The table the runner prints (also quoted in docs/performance.md): one line per row, ratios against the baseline. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['scenario', 'delay', 'server', 'RPS', 'p50 ms', 'p90 ms', 'p99 ms', 'err', 'non2xx', 'calls/req', 'ideal', 'peak RSS MB', 'CPU µs/req', 'GC µs/req', 'RPS ×base', 'p99 ×base', 'CPU ×base'];
  const lines = rows.map((row) => {
    const base = baselineOf(rows, row);
    return [
      row.scenario,
      `${row.delayMs} ms`,
      row.target,
      row.rps.toFixed(0),
      row.p50.toFixed(1),
      row.p90.toFixed(1),
      row.p99.toFixed(1),
      String(row.errors),
      String(row.non2xx),
      row.target === 'direct' ? '—' : row.callsPerRequest.toFixed(2),
      row.target === 'direct' || row.idealCallsPerRequest === undefined ? '—' : row.idealCallsPerRequest.toFixed(2),
      row.peakRssMb.toFixed(0),
      row.cpuUsPerRequest.toFixed(0),
      row.gcUsPerRequest === undefined ? '—' : row.gcUsPerRequest.toFixed(0),
      base ? (row.rps / base.rps).toFixed(2) : '—',
      base && base.p99 > 0 ? (row.p99 / base.p99).toFixed(2) : '—',
      base && base.cpuUsPerRequest > 0 ? (row.cpuUsPerRequest / base.cpuUsPerRequest).toFixed(2) : '—',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: readonly string[]) => `| ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [format(header), `|${widths.map((w, i) => (i < 3 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`, ...lines.map(format)].join('\n');
}
