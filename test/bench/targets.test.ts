import { describe, expect, test } from 'vitest';
import { judgeTargets } from '../../bench/lib/targets.ts';
import type { Mode, Row, Target } from '../../bench/lib/report.ts';

const row = (scenario: string, target: Target, delayMs: number, rps: number, p50: number, p99: number, peakRssMb: number, mode?: Mode): Row => ({
  scenario,
  target,
  ...(mode === undefined ? {} : { mode }),
  delayMs,
  rps,
  p50,
  p90: p99,
  p99,
  errors: 0,
  non2xx: 0,
  callsPerRequest: 1,
  peakRssMb,
  cpuUsPerRequest: 100,
});

describe('bench targets verdicts', () => {
  test.for([
    {
      name: 'all met',
      rows: [row('profile', 'gateway', 0, 9000, 4, 10, 80), row('profile', 'baseline', 0, 3000, 12, 60, 350), row('panel', 'gateway', 20, 700, 63, 90, 95)],
      expected: [
        "RPS ≥ 3× the baseline's (0 ms): met on all 1 (profile 3.00×)",
        "p99 ≤ 0.5× the baseline's (0 ms): met on all 1 (profile 0.17×)",
        'panel p50 at 20 ms ≤ 66 ms: met (63 ms)',
        'gateway peak RSS ≤ 100 MB: met (80–95 MB)',
      ],
    },
    {
      name: 'some missed',
      rows: [
        row('profile', 'gateway', 0, 11029, 4, 10, 249),
        row('profile', 'baseline', 0, 3076, 12, 69, 356),
        row('panel', 'gateway', 0, 4039, 11, 19, 263),
        row('panel', 'baseline', 0, 1904, 21, 100, 362),
        row('panel', 'gateway', 20, 758, 68, 96, 256),
      ],
      expected: [
        "RPS ≥ 3× the baseline's (0 ms): missed on panel 2.12×; met on profile 3.59×",
        "p99 ≤ 0.5× the baseline's (0 ms): met on all 2 (profile 0.14×, panel 0.19×)",
        'panel p50 at 20 ms ≤ 66 ms: missed (68 ms)',
        'gateway peak RSS ≤ 100 MB: missed (249–263 MB)',
      ],
    },
    {
      name: 'gateway-solo rows are compared, not judged: their RSS and ratios stay out of the verdicts',
      rows: [
        row('panel', 'gateway', 0, 8000, 4, 20, 90),
        row('panel', 'gateway-solo', 0, 3600, 12, 25, 260),
        row('panel', 'baseline', 0, 1600, 26, 100, 340),
      ],
      expected: [
        "RPS ≥ 3× the baseline's (0 ms): met on all 1 (panel 5.00×)",
        "p99 ≤ 0.5× the baseline's (0 ms): met on all 1 (panel 0.20×)",
        "for comparison, gateway-solo (each request batched alone) RPS ÷ the baseline's (0 ms): panel 2.25×",
        'gateway peak RSS ≤ 100 MB: met (90–90 MB)',
      ],
    },
    {
      name: 'per-round ratios: spread, and how many rounds met when the ratio crosses the line',
      rows: [
        { ...row('aliases', 'gateway', 0, 8000, 5, 12, 240), roundRps: [9000, 7000, 8000] },
        { ...row('aliases', 'baseline', 0, 2600, 15, 80, 340), roundRps: [2800, 2500, 2500] },
        { ...row('panel', 'gateway', 0, 3300, 12, 30, 240), roundRps: [3300, 3200, 3400] },
        { ...row('panel', 'baseline', 0, 1600, 26, 100, 340), roundRps: [1600, 1500, 1700] },
      ],
      expected: [
        "RPS ≥ 3× the baseline's (0 ms): missed on panel 2.06× (rounds 2.00–2.13); met on aliases 3.08× (rounds 2.80–3.21, 2 of 3 at 3×)",
        "p99 ≤ 0.5× the baseline's (0 ms): met on all 2 (aliases 0.15×, panel 0.30×)",
        'gateway peak RSS ≤ 100 MB: missed (240–240 MB)',
      ],
    },
    {
      name: 'rounds that do not pair up (one slice, or different counts) are not compared',
      rows: [
        { ...row('profile', 'gateway', 0, 9000, 4, 10, 150), roundRps: [9000] },
        { ...row('profile', 'baseline', 0, 3000, 12, 60, 350), roundRps: [3000] },
        { ...row('panel', 'gateway', 0, 9000, 4, 10, 150), roundRps: [9000, 9000] },
        { ...row('panel', 'baseline', 0, 3000, 12, 60, 350), roundRps: [3000, 3000, 3000] },
      ],
      expected: [
        "RPS ≥ 3× the baseline's (0 ms): met on all 2 (profile 3.00×, panel 3.00×)",
        "p99 ≤ 0.5× the baseline's (0 ms): met on all 2 (profile 0.17×, panel 0.17×)",
        'gateway peak RSS ≤ 100 MB: missed (150–150 MB)',
      ],
    },
    { name: 'no baseline and no 20 ms panel: only memory is judged', rows: [row('profile', 'gateway', 0, 9000, 4, 10, 60)], expected: ['gateway peak RSS ≤ 100 MB: met (60–60 MB)'] },
    {
      name: 'the ceiling: identical requests judged at 0.8×, varied at 0.5×; the baseline targets judge varied rows only',
      rows: [
        row('profile', 'gateway', 0, 6000, 4, 10, 90, 'varied'),
        row('profile', 'baseline', 0, 3000, 12, 60, 350, 'varied'),
        row('profile', 'ceiling', 0, 10000, 2, 5, 50, 'varied'),
        // Identical: the gateway shares calls, the baseline does not; its 10× is not a verdict.
        row('profile', 'gateway', 0, 7000, 4, 10, 95, 'identical'),
        row('profile', 'baseline', 0, 700, 12, 200, 350, 'identical'),
        row('profile', 'ceiling', 0, 10000, 2, 5, 50, 'identical'),
      ],
      expected: [
        "RPS ≥ 3× the baseline's (0 ms): missed on profile 2.00×",
        "p99 ≤ 0.5× the baseline's (0 ms): met on all 1 (profile 0.17×)",
        "profile RPS ≥ 0.8× the ceiling's, identical requests (0 ms): missed, 0.70×",
        "profile RPS ≥ 0.5× the ceiling's, varied requests (0 ms): met, 0.60×",
        'gateway peak RSS ≤ 100 MB: met (90–95 MB)',
      ],
    },
    {
      name: 'the ceiling, round by round; rows without a mode (older results) are varied',
      rows: [
        { ...row('profile', 'gateway', 0, 8500, 4, 10, 90, 'identical'), roundRps: [9000, 8000] },
        { ...row('profile', 'ceiling', 0, 10000, 2, 5, 50, 'identical'), roundRps: [10000, 10000] },
        { ...row('profile', 'gateway', 0, 4000, 4, 10, 90), roundRps: [4000, 4000] },
        { ...row('profile', 'ceiling', 0, 10000, 2, 5, 50, 'varied'), roundRps: [10000, 10000] },
      ],
      expected: [
        "profile RPS ≥ 0.8× the ceiling's, identical requests (0 ms): met, 0.85× (rounds 0.80–0.90)",
        "profile RPS ≥ 0.5× the ceiling's, varied requests (0 ms): missed, 0.40× (rounds 0.40–0.40)",
        'gateway peak RSS ≤ 100 MB: met (90–90 MB)',
      ],
    },
    {
      name: 'only the profile at 0 ms is held to the ceiling; peak RSS covers every gateway row of both modes',
      rows: [
        row('panel', 'gateway', 0, 3000, 4, 10, 90, 'identical'),
        row('panel', 'ceiling', 0, 10000, 2, 5, 50, 'identical'),
        row('profile', 'gateway', 20, 2000, 22, 30, 120, 'identical'),
        row('profile', 'ceiling', 20, 10000, 2, 5, 50, 'identical'),
        row('profile', 'gateway', 0, 9000, 4, 10, 85, 'varied'),
      ],
      expected: ['gateway peak RSS ≤ 100 MB: missed (85–120 MB)'],
    },
    { name: 'no gateway rows: nothing to judge', rows: [row('profile', 'baseline', 0, 3000, 12, 60, 350)], expected: [] },
  ])('$name', ({ rows, expected }) => {
    expect(judgeTargets(rows)).toEqual(expected);
  });
});
