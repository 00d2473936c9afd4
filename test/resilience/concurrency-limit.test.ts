import { describe, expect, test } from 'vitest';
import { ConcurrencyLimit } from '../../src/resilience/index.ts';

/** A call the test finishes by hand, so what is in flight at each moment is exact. */
interface Held {
  id: number;
  finish(): void;
  fail(): void;
}

function rig(max: number) {
  const limit = new ConcurrencyLimit(max);
  const started: number[] = [];
  const running = new Map<number, Held>();
  let inFlight = 0;
  let mostInFlight = 0;
  const call = (id: number) =>
    limit.run(
      () =>
        new Promise<number>((resolve, reject) => {
          started.push(id);
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          const end = () => {
            inFlight -= 1;
            running.delete(id);
          };
          running.set(id, {
            id,
            finish: () => (end(), resolve(id)),
            fail: () => (end(), reject(new Error(`call ${id} failed`))),
          });
        }),
    );
  return { limit, started, running, call, mostInFlight: () => mostInFlight };
}

/** Lets queued calls start: p-limit starts them a few microtasks after a slot frees. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit: never more than max in flight, the rest in order', () => {
  test.for([
    { max: 1, calls: 5 },
    { max: 2, calls: 7 },
    { max: 3, calls: 3 },
    { max: 4, calls: 12 },
    { max: 64, calls: 200 },
  ])('max $max, $calls calls at once', async ({ max, calls }) => {
    const r = rig(max);
    const results = Array.from({ length: calls }, (_, i) => r.call(i));
    await settle();
    expect(r.started).toEqual(Array.from({ length: Math.min(max, calls) }, (_, i) => i));
    expect(r.limit.active).toBe(Math.min(max, calls));
    expect(r.limit.pending).toBe(Math.max(0, calls - max));
    // Finish the oldest call one at a time; the next queued one takes its slot.
    while (r.running.size > 0) {
      [...r.running.values()][0]!.finish();
      await settle();
    }
    expect(await Promise.all(results)).toEqual(Array.from({ length: calls }, (_, i) => i));
    expect(r.started).toEqual(Array.from({ length: calls }, (_, i) => i));
    expect(r.mostInFlight()).toBe(Math.min(max, calls));
    expect([r.limit.active, r.limit.pending]).toEqual([0, 0]);
  });

  test('a second wave after the queue emptied is bounded the same way', async () => {
    const r = rig(3);
    for (let wave = 0; wave < 2; wave++) {
      const results = Array.from({ length: 6 }, (_, i) => r.call(wave * 10 + i));
      await settle();
      expect([r.limit.active, r.limit.pending]).toEqual([3, 3]);
      while (r.running.size > 0) {
        for (const held of [...r.running.values()]) held.finish();
        await settle();
      }
      await Promise.all(results);
    }
    expect(r.mostInFlight()).toBe(3);
  });

  test('failed calls free their slot and reject as they did', async () => {
    const r = rig(2);
    const results = Array.from({ length: 4 }, (_, i) => r.call(i).catch((error: Error) => error.message));
    await settle();
    for (const held of [...r.running.values()]) held.fail();
    await settle();
    expect(r.limit.active).toBe(2);
    for (const held of [...r.running.values()]) held.finish();
    expect(await Promise.all(results)).toEqual(['call 0 failed', 'call 1 failed', 2, 3]);
    expect([r.limit.active, r.limit.pending]).toEqual([0, 0]);
  });

  test('a call that throws instead of rejecting frees its slot too', async () => {
    const limit = new ConcurrencyLimit(2);
    const boom = () => {
      throw new Error('boom');
    };
    await expect(limit.run(boom)).rejects.toThrow('boom');
    await expect(limit.run(boom)).rejects.toThrow('boom');
    expect(limit.active).toBe(0);
    expect(await limit.run(() => Promise.resolve('ok'))).toBe('ok');
  });

  test.for([0, -1, 1.5, Number.NaN])('max %s is refused', (max) => {
    expect(() => new ConcurrencyLimit(max)).toThrow(`a concurrency limit must be an integer ≥ 1, not ${max}`);
  });
});
