import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { describe, expect, test } from 'vitest';
import { LoopBusy } from '../../src/execute/loop-busy.ts';

/** Keeps the event loop running JavaScript for `ms`, as a saturated gateway does. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

describe('LoopBusy', () => {
  test('follows the event loop: busy after a window spent running code, quiet after one spent waiting', async () => {
    const loop = new LoopBusy(0.5);
    void loop.busy; // the first reading starts the window
    spin(150);
    expect(loop.busy).toBe(true);
    await sleep(150);
    expect(loop.busy).toBe(false);
  });

  test('threshold 0 is always busy; 1 never is', () => {
    spin(120);
    expect(new LoopBusy(0).busy).toBe(true);
    const never = new LoopBusy(1);
    void never.busy;
    spin(120);
    expect(never.busy).toBe(false);
  });

  test.for([-0.1, 1.5, Number.NaN])('refuses threshold %s', (threshold) => {
    expect(() => new LoopBusy(threshold)).toThrow(/between 0 and 1/);
  });
});
