import { describe, expect, test } from 'vitest';
import { renderChart } from '../../bench/lib/chart.ts';
import type { Mode, Row, Target } from '../../bench/lib/report.ts';

const row = (scenario: string, target: Target, mode: Mode | undefined, delayMs: number, rps: number): Row => ({
  scenario,
  target,
  ...(mode === undefined ? {} : { mode }),
  delayMs,
  rps,
  p50: 5,
  p90: 8,
  p99: 10,
  errors: 0,
  non2xx: 0,
  callsPerRequest: 1,
  peakRssMb: 90,
  cpuUsPerRequest: 100,
});

/** The SVG beside each result: a pair of charts per mode measured, one bar per row of the first delay. */
describe('bench chart', () => {
  const bars = (svg: string) => [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]!);

  test('one pair of charts per mode, each row of the first delay a bar in its mode', () => {
    const svg = renderChart(
      [
        row('profile', 'gateway', 'varied', 0, 9000),
        row('profile', 'ceiling', 'varied', 0, 20000),
        row('profile', 'gateway', 'identical', 0, 15000),
        row('profile', 'ceiling', 'identical', 0, 21000),
        row('profile', 'gateway', 'varied', 20, 2000),
      ],
      'Tessera bench',
    );
    expect(svg).toContain('Requests per second, varied requests');
    expect(svg).toContain('p99 latency, ms, identical requests');
    expect(bars(svg).filter((title) => title.endsWith('req/s'))).toEqual([
      'profile varied gateway: 9000.0 req/s',
      'profile varied ceiling: 20000.0 req/s',
      'profile identical gateway: 15000.0 req/s',
      'profile identical ceiling: 21000.0 req/s',
    ]);
    expect(svg).toContain('>ceiling</text>');
  });

  test('older results without a mode draw as varied, alone', () => {
    const svg = renderChart([row('panel', 'gateway', undefined, 0, 5000), row('panel', 'baseline', undefined, 0, 1500)], 'Tessera bench');
    expect(svg).toContain('varied requests');
    expect(svg).not.toContain('identical requests');
    expect(bars(svg).filter((title) => title.endsWith('req/s'))).toEqual(['panel varied gateway: 5000.0 req/s', 'panel varied baseline: 1500.0 req/s']);
  });
});
