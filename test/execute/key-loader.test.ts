import { describe, expect, test } from 'vitest';
import { FetchFailure } from '../../src/execute/fetch-failure.ts';
import { KeyLoader } from '../../src/execute/key-loader.ts';

/** A loader over a fake upstream that answers `v<key>` per key and records every call's keys. */
function recordingLoader(maxSize: number, answer: (keys: readonly unknown[]) => Promise<unknown[]> = async (keys) => keys.map((k) => `v${String(k)}`)) {
  const calls: unknown[][] = [];
  const loader = new KeyLoader(maxSize, (keys) => {
    calls.push([...keys]);
    return answer(keys);
  });
  return { loader, calls };
}

describe('KeyLoader', () => {
  test.each([
    { name: 'one list', lists: [[1, 2, 3]], maxSize: 10, calls: [[1, 2, 3]] },
    { name: 'lists asked in the same turn share a call', lists: [[1, 2], [3], [4, 5]], maxSize: 10, calls: [[1, 2, 3, 4, 5]] },
    { name: 'a key asked twice is sent once', lists: [[1, 2, 1], [2, 3]], maxSize: 10, calls: [[1, 2, 3]] },
    { name: 'keys that differ only in type share an entry (String(key))', lists: [[1], ['1']], maxSize: 10, calls: [[1]] },
    { name: 'split at maxSize, in order', lists: [[1, 2, 3, 4, 5]], maxSize: 2, calls: [[1, 2], [3, 4], [5]] },
  ])('$name', async ({ lists, maxSize, calls: expected }) => {
    const { loader, calls } = recordingLoader(maxSize);
    const results = await Promise.all(lists.map((keys) => loader.loadMany(keys)));
    expect(calls).toEqual(expected);
    expect(results).toEqual(lists.map((keys) => keys.map((k) => `v${String(k)}`)));
  });

  test('keys asked from promise continuations of the same turn join the batch, as with DataLoader', async () => {
    const { loader, calls } = recordingLoader(10);
    const first = loader.loadMany([1]);
    const second = Promise.resolve()
      .then(() => undefined)
      .then(() => loader.loadMany([2]));
    await Promise.all([first, second]);
    expect(calls).toEqual([[1, 2]]);
  });

  test('answered keys come from the cache; only new keys are sent in a later turn', async () => {
    const { loader, calls } = recordingLoader(10);
    await loader.loadMany([1, 2]);
    expect(await loader.loadMany([2, 3])).toEqual(['v2', 'v3']);
    expect(await loader.loadMany([1, 3])).toEqual(['v1', 'v3']);
    expect(calls).toEqual([[1, 2], [3]]);
  });

  test('a key still in flight is waited for, not sent again', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { loader, calls } = recordingLoader(10, async (keys) => {
      await gate;
      return keys.map((k) => `v${String(k)}`);
    });
    const first = loader.loadMany([1]);
    await new Promise((resolve) => setImmediate(resolve)); // the first call is out
    const second = loader.loadMany([1, 2]);
    release();
    expect(await Promise.all([first, second])).toEqual([['v1'], ['v1', 'v2']]);
    expect(calls).toEqual([[1], [2]]);
  });

  test('a call that rejects gives its keys a FetchFailure, cached, and other chunks keep their values', async () => {
    const { loader, calls } = recordingLoader(2, async (keys) => {
      if (keys.includes(3)) throw new Error('upstream down');
      return keys.map((k) => `v${String(k)}`);
    });
    const values = await loader.loadMany([1, 2, 3]);
    expect(values.slice(0, 2)).toEqual(['v1', 'v2']);
    expect(values[2]).toBeInstanceOf(FetchFailure);
    expect(((values[2] as FetchFailure).error as Error).message).toBe('upstream down');
    expect((await loader.loadMany([3]))[0]).toBe(values[2]);
    expect(calls).toEqual([[1, 2], [3]]);
  });

  test('an answer without a value for a key caches null, so the key is not sent again', async () => {
    const { loader, calls } = recordingLoader(10, async () => []);
    expect(await loader.loadMany([1])).toEqual([null]);
    expect(await loader.loadMany([1])).toEqual([null]);
    expect(calls).toEqual([[1]]);
  });

  test('an empty list resolves at once with no call', async () => {
    const { loader, calls } = recordingLoader(10);
    expect(await loader.loadMany([])).toEqual([]);
    expect(calls).toEqual([]);
  });
});
