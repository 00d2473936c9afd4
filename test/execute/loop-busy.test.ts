import { performance } from 'node:perf_hooks';
import { describe, expect, test } from 'vitest';
import { LoopBusy, type LoopClock } from '../../src/execute/loop-busy.ts';

/** A loop whose history the test writes: at each clock reading, how many ms it had spent idle and active so far. */
function scriptedLoop(): LoopClock & { at(nowMs: number, idleMs: number, activeMs: number): void; readings: number } {
  let now = 0;
  let idle = 0;
  let active = 0;
  return {
    readings: 0,
    at(nowMs, idleMs, activeMs) {
      now = nowMs;
      idle = idleMs;
      active = activeMs;
    },
    now: () => now,
    utilization() {
      this.readings++;
      return { idle, active };
    },
  };
}

describe('LoopBusy', () => {
  test.for([
    { name: 'a window spent mostly running code is busy', threshold: 0.5, idleMs: 30, activeMs: 70, busy: true },
    { name: 'a window spent mostly waiting is quiet', threshold: 0.5, idleMs: 70, activeMs: 30, busy: false },
    { name: 'exactly at the threshold is not above it', threshold: 0.5, idleMs: 50, activeMs: 50, busy: false },
    { name: 'threshold 1 is never busy, even fully used', threshold: 1, idleMs: 0, activeMs: 100, busy: false },
    { name: 'threshold 0 is busy, even idle', threshold: 0, idleMs: 100, activeMs: 0, busy: true },
  ])('$name', ({ threshold, idleMs, activeMs, busy }) => {
    const loop = scriptedLoop();
    const busyness = new LoopBusy(threshold, loop);
    loop.at(1_000, 1_000, 1_000); // the process so far: half busy
    void busyness.busy;
    loop.at(1_100, 1_000 + idleMs, 1_000 + activeMs); // the last 100 ms window
    expect(busyness.busy).toBe(busy);
  });

  test('follows the last window only, not the process life', () => {
    const loop = scriptedLoop();
    const busyness = new LoopBusy(0.5, loop);
    loop.at(10_000, 1_000, 9_000); // 90 % busy since start
    expect(busyness.busy).toBe(true);
    loop.at(10_100, 1_090, 9_010); // the last 100 ms: 10 % busy
    expect(busyness.busy).toBe(false);
    loop.at(10_200, 1_100, 9_100); // then 90 % again
    expect(busyness.busy).toBe(true);
  });

  test('reads the loop at most once per 100 ms, answering from the last reading in between', () => {
    const loop = scriptedLoop();
    const busyness = new LoopBusy(0.5, loop);
    loop.at(1_000, 0, 1_000);
    expect(busyness.busy).toBe(true);
    loop.at(1_099, 1_000, 1_000); // a quiet spell, but not yet a new window
    expect(busyness.busy).toBe(true);
    expect(loop.readings).toBe(1);
    loop.at(1_100, 1_000, 1_000);
    expect(busyness.busy).toBe(false);
    expect(loop.readings).toBe(2);
  });

  test('on Node\'s own clock, a window spent running code reads as busy', () => {
    const busyness = new LoopBusy(0.5);
    void busyness.busy; // the first reading starts the window
    const until = performance.now() + 150;
    while (performance.now() < until) {
      // busy on purpose: 150 ms of running code and no waiting
    }
    expect(busyness.busy).toBe(true);
  });

  test.for([-0.1, 1.5, Number.NaN])('refuses threshold %s', (threshold) => {
    expect(() => new LoopBusy(threshold)).toThrow(/between 0 and 1/);
  });
});
