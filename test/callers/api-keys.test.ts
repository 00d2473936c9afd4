import { describe, expect, test } from 'vitest';
import { ApiKeyIndex, hashApiKey } from '../../src/callers/api-keys.ts';

const config = (keys: Record<string, string[]>) => ({
  mode: 'required' as const,
  anonymousScopes: [],
  jwt: undefined,
  callers: Object.fromEntries(Object.entries(keys).map(([id, plain]) => [id, { keyHashes: plain.map(hashApiKey), scopes: [`${id}:read`] }])),
});

describe('API key lookup', () => {
  const index = new ApiKeyIndex(config({ billing: ['key-old', 'key-new'], reports: ['key-r'] }));

  test.for([
    { name: 'a declared key', key: 'key-new', caller: 'billing' },
    { name: 'the other key of the same caller (rotation)', key: 'key-old', caller: 'billing' },
    { name: "another caller's key", key: 'key-r', caller: 'reports' },
    { name: 'a key that differs in one character', key: 'key-neW', caller: undefined },
    { name: 'a declared key with a trailing space', key: 'key-new ', caller: undefined },
    { name: 'an empty key', key: '', caller: undefined },
    { name: 'a key longer than any key is allowed to be', key: 'k'.repeat(513), caller: undefined },
  ])('$name → $caller', ({ key, caller }) => {
    // Asked twice: the second answer (from the keys already proven) is the first's.
    const first = index.lookup(key);
    expect(first?.id).toBe(caller);
    expect(index.lookup(key)).toBe(first);
  });

  test('a key removed from the config is refused by the index built from it, whatever the old one proved', () => {
    const before = new ApiKeyIndex(config({ billing: ['key-old', 'key-new'] }));
    expect(before.lookup('key-old')?.id).toBe('billing');
    const after = new ApiKeyIndex(config({ billing: ['key-new'] }));
    expect(after.lookup('key-old')).toBeUndefined();
    expect(after.lookup('key-new')?.id).toBe('billing');
  });
});
