import { describe, expect, test } from 'vitest';
import { judgeTargets } from '../../bench/lib/targets.ts';
import type { Row, Target } from '../../bench/lib/report.ts';

const row = (scenario: string, target: Target, delayMs: number, rps: number, p50: number, p99: number, peakRssMb: number): Row => ({
  scenario,
  target,
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
      rows: [row('profile', 'gateway', 0, 9000, 4, 10, 150), row('profile', 'baseline', 0, 3000, 12, 60, 350), row('panel', 'gateway', 20, 700, 63, 90, 190)],
      expected: [
        "RPS ≥ 3× the baseline's (0 ms): met on all 1 (profile 3.00×)",
        "p99 ≤ 0.5× the baseline's (0 ms): met on all 1 (profile 0.17×)",
        'panel p50 at 20 ms ≤ 66 ms: met (63 ms)',
        'gateway peak RSS ≤ 200 MB: met (150–190 MB)',
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
        'gateway peak RSS ≤ 200 MB: missed (249–263 MB)',
      ],
    },
    {
      name: 'gateway-solo rows are compared, not judged: their RSS and ratios stay out of the verdicts',
      rows: [
        row('panel', 'gateway', 0, 8000, 4, 20, 190),
        row('panel', 'gateway-solo', 0, 3600, 12, 25, 260),
        row('panel', 'baseline', 0, 1600, 26, 100, 340),
      ],
      expected: [
        "RPS ≥ 3× the baseline's (0 ms): met on all 1 (panel 5.00×)",
        "p99 ≤ 0.5× the baseline's (0 ms): met on all 1 (panel 0.20×)",
        "for comparison, gateway-solo (each request batched alone) RPS ÷ the baseline's (0 ms): panel 2.25×",
        'gateway peak RSS ≤ 200 MB: met (190–190 MB)',
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
        'gateway peak RSS ≤ 200 MB: missed (240–240 MB)',
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
        'gateway peak RSS ≤ 200 MB: met (150–150 MB)',
      ],
    },
    { name: 'no baseline and no 20 ms panel: only memory is judged', rows: [row('profile', 'gateway', 0, 9000, 4, 10, 150)], expected: ['gateway peak RSS ≤ 200 MB: met (150–150 MB)'] },
    { name: 'no gateway rows: nothing to judge', rows: [row('profile', 'baseline', 0, 3000, 12, 60, 350)], expected: [] },
  ])('$name', ({ rows, expected }) => {
    expect(judgeTargets(rows)).toEqual(expected);
  });
});
