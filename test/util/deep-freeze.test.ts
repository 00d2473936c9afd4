import { describe, expect, test } from 'vitest';
import { deepFreeze } from '../../src/util/deep-freeze.ts';

describe('deepFreeze', () => {
  test.for([
    { name: 'primitives pass through', value: 42 as unknown },
    { name: 'null passes through', value: null },
    { name: 'a string', value: 'text' },
    { name: 'nested objects and arrays', value: { a: { b: [1, { c: 'd' }] }, e: [] } },
    { name: 'an array of objects', value: [{ id: '1' }, { id: '2', tags: ['x'] }] },
  ])('$name: every object inside is frozen, and the same value is returned', ({ value }) => {
    const before = JSON.stringify(value);
    expect(deepFreeze(value)).toBe(value);
    expect(JSON.stringify(value)).toBe(before);
    const objects: unknown[] = [];
    const walk = (v: unknown): void => {
      if (typeof v !== 'object' || v === null) return;
      objects.push(v);
      for (const child of Object.values(v)) walk(child);
    };
    walk(value);
    for (const object of objects) expect(Object.isFrozen(object)).toBe(true);
  });
});
