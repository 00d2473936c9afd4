import { describe, expect, test } from 'vitest';
import { formatTable, loadCoreWarning, type Row } from '../../bench/lib/report.ts';

const row = (target: Row['target'], rps: number, p99: number, cpu: number, gc: number | undefined): Row => ({
  scenario: 'panel',
  target,
  delayMs: 0,
  rps,
  p50: 10,
  p90: 20,
  p99,
  errors: 0,
  non2xx: 0,
  callsPerRequest: target === 'direct' ? 0 : 4,
  idealCallsPerRequest: 3,
  peakRssMb: 240,
  cpuUsPerRequest: cpu,
  ...(gc === undefined ? {} : { gcUsPerRequest: gc }),
});

/** The printed table is what docs/performance.md quotes: one line per row, ratios against the same scenario's baseline. */
describe('bench table', () => {
  const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());
  const lines = formatTable([row('gateway', 3000, 30, 300, 21.4), row('baseline', 1500, 120, 600, 40), row('direct', 30000, 3, 25, undefined)]).split('\n');
  const header = cells(lines[0]!);
  const column = (line: string, name: string) => cells(line)[header.indexOf(name)];

  test.for([
    { name: 'CPU µs/req', gateway: '300', baseline: '600', direct: '25' },
    { name: 'GC µs/req', gateway: '21', baseline: '40', direct: '—' },
    { name: 'calls/req', gateway: '4.00', baseline: '4.00', direct: '—' },
    { name: 'ideal', gateway: '3.00', baseline: '3.00', direct: '—' },
    { name: 'RPS ×base', gateway: '2.00', baseline: '1.00', direct: '20.00' },
    { name: 'p99 ×base', gateway: '0.25', baseline: '1.00', direct: '0.03' },
    { name: 'CPU ×base', gateway: '0.50', baseline: '1.00', direct: '0.04' },
  ])('$name', ({ name, gateway, baseline, direct }) => {
    expect(header).toContain(name);
    expect([column(lines[2]!, name), column(lines[3]!, name), column(lines[4]!, name)]).toEqual([gateway, baseline, direct]);
  });

  test('rows without a mode (older results) read as varied, and no ceiling means no ratio to it', () => {
    expect(header.slice(0, 4)).toEqual(['scenario', 'delay', 'mode', 'server']);
    expect(lines.slice(2).map((line) => [column(line, 'mode'), column(line, 'RPS ×ceil')])).toEqual([
      ['varied', '—'],
      ['varied', '—'],
      ['varied', '—'],
    ]);
  });
});

/** Each mode's rows are compared with the baseline and the ceiling of the same mode, never of the other. */
describe('bench table in both modes, with the ceiling', () => {
  const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());
  const inMode = (r: Row, mode: Row['mode']): Row => ({ ...r, mode });
  const rows: Row[] = [
    inMode(row('gateway', 3000, 30, 300, 20), 'varied'),
    inMode(row('baseline', 1500, 120, 600, 40), 'varied'),
    inMode({ ...row('ceiling', 12000, 6, 50, 1), callsPerRequest: 0 }, 'varied'),
    inMode({ ...row('gateway', 9000, 10, 100, 5), callsPerRequest: 0.05 }, 'identical'),
    inMode(row('baseline', 1800, 100, 500, 30), 'identical'),
    inMode({ ...row('ceiling', 15000, 5, 40, 1), callsPerRequest: 0 }, 'identical'),
  ];
  const lines = formatTable(rows).split('\n');
  const header = cells(lines[0]!);
  const column = (name: string) => lines.slice(2).map((line) => cells(line)[header.indexOf(name)]);

  test.for([
    { name: 'mode', expected: ['varied', 'varied', 'varied', 'identical', 'identical', 'identical'] },
    { name: 'server', expected: ['gateway', 'baseline', 'ceiling', 'gateway', 'baseline', 'ceiling'] },
    { name: 'calls/req', expected: ['4.00', '4.00', '0.00', '0.05', '4.00', '0.00'] },
    // The ceiling is not meant to make upstream calls: no ideal to hold it to.
    { name: 'ideal', expected: ['3.00', '3.00', '—', '3.00', '3.00', '—'] },
    { name: 'RPS ×base', expected: ['2.00', '1.00', '8.00', '5.00', '1.00', '8.33'] },
    { name: 'RPS ×ceil', expected: ['0.25', '0.13', '1.00', '0.60', '0.12', '1.00'] },
  ])('$name', ({ name, expected }) => {
    expect(header).toContain(name);
    expect(column(name)).toEqual(expected);
  });

  test("a warning names the row's mode", () => {
    expect(loadCoreWarning({ ...rows[5]!, loadCoreBusy: 0.95 })).toBe(
      '! panel 0 ms identical ceiling: the load core was 95% busy (autocannon and the upstreams); this row may understate the server.',
    );
  });
});

/** The load core runs autocannon and the upstreams: nearly full, it may be what limited a row. */
describe('load core warning', () => {
  test.for([
    { name: 'not measured (not pinned)', busy: undefined, expected: undefined },
    { name: 'well below the limit', busy: 0.55, expected: undefined },
    { name: 'just below the limit', busy: 0.899, expected: undefined },
    {
      name: 'at the limit',
      busy: 0.9,
      expected: '! panel 0 ms varied floor: the load core was 90% busy (autocannon and the upstreams); this row may understate the server.',
    },
    {
      name: 'full',
      busy: 1.02,
      expected: '! panel 0 ms varied floor: the load core was 102% busy (autocannon and the upstreams); this row may understate the server.',
    },
  ])('$name', ({ busy, expected }) => {
    const measured = row('floor', 8000, 11, 120, 2);
    expect(loadCoreWarning(busy === undefined ? measured : { ...measured, loadCoreBusy: busy })).toBe(expected);
  });
});
