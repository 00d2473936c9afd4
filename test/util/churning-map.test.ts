import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ChurningMap } from '../../src/util/churning-map.ts';

const MODULE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/util/churning-map.ts');
const EVERY = ChurningMap.RENEW_EVERY;

describe('ChurningMap', () => {
  test.each([
    { name: 'fewer insertions than a renewal', inserts: EVERY - 2, deleteEvery: 0 },
    { name: 'exactly one renewal', inserts: EVERY, deleteEvery: 0 },
    { name: 'many renewals, every third key deleted', inserts: EVERY * 5 + 7, deleteEvery: 3 },
    { name: 'many renewals, all but the last few deleted as they go (calls in flight)', inserts: EVERY * 10, deleteEvery: 1 },
  ])('keeps every entry across renewals: $name', ({ inserts, deleteEvery }) => {
    const map = new ChurningMap<string, number>();
    const expected = new Map<string, number>();
    for (let i = 0; i < inserts; i++) {
      map.set(`k${i}`, i);
      expected.set(`k${i}`, i);
      // Delete a key inserted a few steps back, as calls settle after others have started.
      const old = i - 3;
      if (deleteEvery > 0 && old >= 0 && old % deleteEvery === 0) {
        expect(map.delete(`k${old}`)).toBe(true);
        expected.delete(`k${old}`);
      }
    }
    expect(map.size).toBe(expected.size);
    for (let i = 0; i < inserts; i++) {
      expect(map.has(`k${i}`)).toBe(expected.has(`k${i}`));
      expect(map.get(`k${i}`)).toBe(expected.get(`k${i}`));
    }
    expect(map.delete('never set')).toBe(false);
  });

  test('setting a key again replaces its value without adding an entry', () => {
    const map = new ChurningMap<string, string>();
    for (let i = 0; i < EVERY * 2; i++) map.set('same', `v${i}`);
    expect(map.size).toBe(1);
    expect(map.get('same')).toBe(`v${EVERY * 2 - 1}`);
  });

  // Why the class exists: a long-lived plain Map with entries coming and going keeps its values
  // alive through its outgrown tables once it sits in the old generation, and every scavenge
  // promotes them. Measured in a fresh process that collects when told (--expose-gc): the old
  // generation's growth after 4,000 calls of 2 KB each, at most 50 in flight, all settled.
  test('in flight entries that settled are not promoted through outgrown tables, as a plain Map’s are', () => {
    const script = `
      import v8 from 'node:v8';
      const { ChurningMap } = await import(${JSON.stringify(MODULE)});
      const oldUsed = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
      const grown = {};
      for (const kind of ['plain', 'churning']) {
        const holder = { map: kind === 'plain' ? new Map() : new ChurningMap() };
        gc(); gc(); // the holder and its map are now old, as a gateway's are under load
        const before = oldUsed();
        const live = [];
        for (let i = 0; i < 4000; i++) {
          holder.map.set('call ' + i, { payload: new Array(256).fill(i) });
          live.push('call ' + i);
          if (live.length > 50) holder.map.delete(live.shift());
          if (i % 100 === 0) gc({ type: 'minor' });
        }
        for (const key of live) holder.map.delete(key);
        gc({ type: 'minor' }); gc({ type: 'minor' });
        grown[kind] = oldUsed() - before;
        holder.map = undefined;
        gc();
      }
      console.log(JSON.stringify(grown));
    `;
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const grown = JSON.parse(out.trim().split('\n').at(-1)!) as { plain: number; churning: number };
    // The values made were ~8 MB: a plain Map promotes most of them (~5.7 MB), this one almost none (~0.2 MB).
    expect(grown.plain).toBeGreaterThan(3_000_000);
    expect(grown.churning).toBeLessThan(grown.plain / 5);
  });
});
