import { baselineOf, ceilingOf, modeOf, type Mode, type Row } from './report.ts';

/** Issue 5's and issue 23's targets, measured by `npm run bench` (never by tests). */
export const TARGETS = {
  /** At 0 ms upstream delay, the gateway's RPS over the baseline's, on every scenario. */
  minRpsRatio: 3,
  /** At 0 ms upstream delay, the gateway's p99 over the baseline's, on every scenario. */
  maxP99Ratio: 0.5,
  /** At 20 ms upstream delay, the panel's p50 may exceed its dependency floor (3 levels × 20 ms) by this much. */
  latencyFloorSlack: 0.1,
  latencyFloorLevels: 3,
  latencyFloorDelayMs: 20,
  /** The gateway's peak RSS under the 50-connection runs, on every scenario, delay and mode. */
  maxPeakRssMb: 100,
  /** At 0 ms upstream delay, this scenario's gateway RPS over the ceiling's (no upstream calls at all), in each mode. */
  ceilingScenario: 'profile',
  minCeilingRatio: { identical: 0.8, varied: 0.5 } satisfies Record<Mode, number>,
} as const;

/**
 * One line per target that the rows can judge, saying met or missed and by which figures, so a
 * run answers "are we there?" without reading the table. Targets without the rows they need
 * (no baseline, no 20 ms panel row, no ceiling) are left out rather than guessed. The baseline
 * and latency targets judge varied requests, as they always have; the ceiling targets judge each
 * mode; peak RSS every gateway row.
 */
export function judgeTargets(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  const varied = rows.filter((r) => modeOf(r) === 'varied');
  const atZero = varied.filter((r) => r.target === 'gateway' && r.delayMs === 0).flatMap((row) => {
    const base = baselineOf(rows, row);
    return base ? [{ row, rps: row.rps / base.rps, rounds: roundRatios(row, base), p99: base.p99 > 0 ? row.p99 / base.p99 : Number.POSITIVE_INFINITY }] : [];
  });
  if (atZero.length > 0) {
    lines.push(
      verdict(
        `RPS ≥ ${TARGETS.minRpsRatio}× the baseline's (0 ms)`,
        atZero.map((c) => ({ name: c.row.scenario, value: c.rps, ok: c.rps >= TARGETS.minRpsRatio, text: `${c.rps.toFixed(2)}×${roundsText(c.rounds, TARGETS.minRpsRatio)}` })),
      ),
    );
    lines.push(verdict(`p99 ≤ ${TARGETS.maxP99Ratio}× the baseline's (0 ms)`, atZero.map((c) => ({ name: c.row.scenario, value: c.p99, ok: c.p99 <= TARGETS.maxP99Ratio, text: `${c.p99.toFixed(2)}×` }))));
  }
  // Not a target: what the gateway makes of the same load when each request batches alone.
  const solo = varied.filter((r) => r.target === 'gateway-solo' && r.delayMs === 0).flatMap((row) => {
    const base = baselineOf(rows, row);
    return base ? [`${row.scenario} ${(row.rps / base.rps).toFixed(2)}×${roundsText(roundRatios(row, base), TARGETS.minRpsRatio)}`] : [];
  });
  if (solo.length > 0) lines.push(`for comparison, gateway-solo (each request batched alone) RPS ÷ the baseline's (0 ms): ${solo.join(', ')}`);
  const panel = varied.find((r) => r.target === 'gateway' && r.scenario === 'panel' && r.delayMs === TARGETS.latencyFloorDelayMs);
  if (panel) {
    const limit = TARGETS.latencyFloorLevels * TARGETS.latencyFloorDelayMs * (1 + TARGETS.latencyFloorSlack);
    lines.push(`panel p50 at ${TARGETS.latencyFloorDelayMs} ms ≤ ${limit.toFixed(0)} ms: ${panel.p50 <= limit ? 'met' : 'missed'} (${panel.p50.toFixed(0)} ms)`);
  }
  // Identical first: the mode where sharing may bring the gateway near the ceiling.
  for (const mode of ['identical', 'varied'] as const) {
    const row = rows.find((r) => r.target === 'gateway' && r.scenario === TARGETS.ceilingScenario && r.delayMs === 0 && modeOf(r) === mode);
    const ceiling = row && ceilingOf(rows, row);
    if (!row || !ceiling || ceiling.rps <= 0) continue;
    const target = TARGETS.minCeilingRatio[mode];
    const ratio = row.rps / ceiling.rps;
    lines.push(
      `${row.scenario} RPS ≥ ${target}× the ceiling's, ${mode} requests (0 ms): ${ratio >= target ? 'met' : 'missed'}, ${ratio.toFixed(2)}×${roundsText(roundRatios(row, ceiling), target)}`,
    );
  }
  const gateway = rows.filter((r) => r.target === 'gateway');
  if (gateway.length > 0) {
    const peaks = gateway.map((r) => r.peakRssMb);
    const worst = Math.max(...peaks);
    lines.push(`gateway peak RSS ≤ ${TARGETS.maxPeakRssMb} MB: ${worst <= TARGETS.maxPeakRssMb ? 'met' : 'missed'} (${Math.min(...peaks).toFixed(0)}–${worst.toFixed(0)} MB)`);
  }
  return lines;
}

/** A row's RPS ÷ another's (the baseline's, the ceiling's) per round (slices taken seconds apart), when both rows were measured in the same rounds. */
function roundRatios(row: Row, base: Row): number[] {
  const own = row.roundRps;
  const theirs = base.roundRps;
  if (!own || !theirs || own.length < 2 || own.length !== theirs.length) return [];
  return own.map((rps, i) => rps / theirs[i]!);
}

/**
 * The spread of the per-round ratios, and how many rounds met the target when some did and some
 * did not: a ratio that crosses the line from round to round is the machine's noise, not a result.
 */
function roundsText(ratios: readonly number[], target: number): string {
  if (ratios.length === 0) return '';
  const met = ratios.filter((r) => r >= target).length;
  const spread = `rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  return met === 0 || met === ratios.length ? ` (${spread})` : ` (${spread}, ${met} of ${ratios.length} at ${target}×)`;
}

function verdict(title: string, cases: { name: string; value: number; ok: boolean; text: string }[]): string {
  const met = cases.filter((c) => c.ok);
  const missed = cases.filter((c) => !c.ok);
  const list = (cs: typeof cases) => cs.map((c) => `${c.name} ${c.text}`).join(', ');
  if (missed.length === 0) return `${title}: met on all ${cases.length} (${list(met)})`;
  return `${title}: missed on ${list(missed)}${met.length > 0 ? `; met on ${list(met)}` : ''}`;
}
