import { describe, expect, test } from 'vitest';
import { compileBatchAnswer } from '../../src/blueprint/compile-batch-answer.ts';
import type { CompiledOperation } from '../../src/blueprint/index.ts';
import type { BatchConfig } from '../../src/config/types.ts';
import { readBatchAnswer } from '../../src/execute/read-batch-answer.ts';
import { FetchFailure } from '../../src/execute/fetch-failure.ts';
import { CompositeKey } from '../../src/util/composite-key.ts';

const BASE: BatchConfig = { maxSize: 100, keyField: '', many: false, keyStyle: 'comma', acrossRequests: false, answer: { kind: 'list' }, keyFields: undefined, keySeparator: ':' };

/** Each key's value, with a failure shown as its code. */
function read(batch: Partial<BatchConfig>, body: unknown, keys: unknown[], result: string[] = []): unknown[] {
  const config = { ...BASE, ...batch };
  const op = { id: 'o.op', connector: 'o', name: 'op', resultPath: result } as unknown as CompiledOperation;
  return readBatchAnswer(op, compileBatchAnswer(config)!, body, keys).map((v) => (v instanceof FetchFailure ? (v.error as { code: string }).code : v));
}

const TC = ['tenantId', 'customerId'] as const;
const key = (t: string, c: string | number) => new CompositeKey(TC, [t, c]);

describe('reading a batch answer by its declared layout', () => {
  test.for([
    {
      name: 'grouped, many: groups of one key add up, and keep the key order asked',
      batch: { many: true, answer: { kind: 'grouped', keyPath: 'k', valuePath: 'v' } },
      body: [{ k: 2, v: [{ n: 1 }] }, { k: '1', v: [{ n: 2 }] }, { k: 2, v: [{ n: 3 }] }],
      keys: ['1', '2', '3'],
      expected: [[{ n: 2 }], [{ n: 1 }, { n: 3 }], []],
    },
    {
      name: 'grouped, one per key: the first group wins; a null value or a group without its key is not found',
      batch: { answer: { kind: 'grouped', keyPath: 'k', valuePath: 'v.one' } },
      body: [{ k: 1, v: { one: 'a' } }, { k: 1, v: { one: 'b' } }, { k: 2, v: { one: null } }, { v: { one: 'c' } }],
      keys: ['1', '2'],
      expected: ['a', 'UPSTREAM_ENTITY_NOT_FOUND'],
    },
    {
      name: 'map under an envelope, with a value path; inherited properties are never keys',
      batch: { answer: { kind: 'map', valuePath: 'item' } },
      body: { data: { 1: { item: 'a' }, 2: null } },
      result: ['data'],
      keys: ['1', '2', 'constructor'],
      expected: ['a', 'UPSTREAM_ENTITY_NOT_FOUND', 'UPSTREAM_ENTITY_NOT_FOUND'],
    },
    {
      name: 'composite list: matched on both fields, numbers and strings alike',
      batch: { keyFields: TC, many: true },
      body: [{ tenantId: 't1', customerId: 7, n: 1 }, { tenantId: 't2', customerId: '7', n: 2 }, { tenantId: 't1', n: 3 }],
      keys: [key('t1', '7'), key('t2', 7), key('t3', 7)],
      expected: [[{ tenantId: 't1', customerId: 7, n: 1 }], [{ tenantId: 't2', customerId: '7', n: 2 }], []],
    },
    {
      name: 'composite map: property names are the parts joined by the separator',
      batch: { keyFields: TC, keySeparator: '|', answer: { kind: 'map', valuePath: '' } },
      body: { 't1|7': 'a', 't1:7': 'wrong separator' },
      keys: [key('t1', 7), key('t2', 7)],
      expected: ['a', 'UPSTREAM_ENTITY_NOT_FOUND'],
    },
  ] as const)('$name', ({ batch, body, keys, expected, ...rest }) => {
    expect(read(batch as Partial<BatchConfig>, body, [...keys], 'result' in rest && rest.result ? [...rest.result] : [])).toEqual(expected);
  });

  test('a composite key names the same entity whatever its parts’ JSON types, and cannot be confused by a separator in a part', () => {
    expect(String(key('t1', 7))).toBe(String(key('t1', '7')));
    expect(String(new CompositeKey(['a', 'b'], ['1:2', '3']))).not.toBe(String(new CompositeKey(['a', 'b'], ['1', '2:3'])));
    expect(JSON.stringify([key('t1', 7)])).toBe('[{"tenantId":"t1","customerId":7}]');
  });
});
