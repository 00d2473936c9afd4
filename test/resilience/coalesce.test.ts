import { describe, expect, test } from 'vitest';
import { compose } from '../../src/resilience/index.ts';
import { withCoalescing } from '../../src/resilience/coalesce.ts';
import type { CallObserver, UpstreamRequest, UpstreamResponse } from '../../src/transports/transport.ts';

const policy = { connectTimeoutMs: 1_000, idempotent: true, retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 }, cacheTtlMs: undefined, cacheKeyHeaders: [], coalesce: true };
const base: UpstreamRequest = { connector: 'orders', operation: 'list', method: 'GET', origin: 'http://127.0.0.1:1', path: '/orders?customerId=7', headers: { 'x-request-id': 'r1' }, body: undefined, timeoutMs: 1_000, policy };

/** A send whose calls stay open until `settle()`: what is in flight at once is exactly what the test started. */
function heldSend() {
  const held: { request: UpstreamRequest; resolve(r: UpstreamResponse): void; reject(e: unknown): void }[] = [];
  const send = (request: UpstreamRequest) => new Promise<UpstreamResponse>((resolve, reject) => held.push({ request, resolve, reject }));
  return {
    held,
    send: compose((request) => send(request), [withCoalescing()]),
    settle: () => held.forEach((h, i) => h.resolve({ status: 200, body: { items: [i] }, bytes: 10 })),
  };
}

describe('in-flight coalescing: which calls share one upstream call', () => {
  test.for<{ name: string; other: Partial<UpstreamRequest>; calls: number; scopes?: [string | undefined, string | undefined] }>([
    { name: 'same call, another request id', other: { headers: { 'x-request-id': 'r2' } }, calls: 1 },
    { name: 'another param in the query', other: { path: '/orders?customerId=8' }, calls: 2 },
    { name: 'another body', other: { body: '{"a":1}' }, calls: 2 },
    { name: 'another forwarded header value (a stress mark)', other: { headers: { 'x-request-id': 'r2', 'x-tessera-mark': 'stress' } }, calls: 2 },
    { name: 'another caller', other: { headers: { 'x-request-id': 'r2', 'x-caller-id': 'billing' } }, calls: 2 },
    { name: 'another operation', other: { operation: 'other' }, calls: 2 },
    { name: 'an operation without coalesce', other: { policy: { ...policy, coalesce: undefined } }, calls: 2 },
    { name: 'an operation with a response cache (the cache shares)', other: { policy: { ...policy, cacheTtlMs: 1_000 } }, calls: 2 },
    { name: 'the same RPC message', other: { payload: Buffer.from([8, 7]) }, calls: 1 },
    { name: 'another RPC message to the same method', other: { payload: Buffer.from([8, 8]) }, calls: 2 },
    { name: 'the same scope set, another caller', other: { headers: { 'x-request-id': 'r2' } }, scopes: ['\u000110', '\u000110'], calls: 1 },
    { name: 'another scope set', other: { headers: { 'x-request-id': 'r2' } }, scopes: ['\u000110', '\u000111'], calls: 2 },
    { name: 'a caller with scopes and one without (authentication off)', other: {}, scopes: ['\u000110', undefined], calls: 2 },
  ])('$name → $calls upstream call(s)', async ({ other, calls, scopes }) => {
    const { held, send, settle } = heldSend();
    const observer: CallObserver = { retries: 0, cacheHits: 0 };
    const rpc = other.payload === undefined ? base : { ...base, payload: Buffer.from([8, 7]) };
    const first = send(rpc, { sharingScope: scopes?.[0] });
    const second = send({ ...rpc, ...other }, { observer, sharingScope: scopes?.[1] });
    expect(held.length).toBe(calls);
    settle();
    const answers = await Promise.all([first, second]);
    expect(answers[1]!.body).toEqual({ items: [calls - 1] });
    expect(observer.coalesced).toBe(calls === 1 ? 1 : undefined);
  });

  test('nothing is kept: a call after the shared one settled goes upstream again, and a failure is not shared past its end', async () => {
    const { held, send } = heldSend();
    const first = send(base, {});
    held[0]!.reject(new Error('down'));
    await expect(first).rejects.toThrow('down');
    const again = send(base, {});
    expect(held.length).toBe(2);
    held[1]!.resolve({ status: 200, body: { items: [] }, bytes: 2 });
    expect((await again).body).toEqual({ items: [] });
    const third = send(base, {});
    expect(held.length).toBe(3);
    held[2]!.resolve({ status: 200, body: { items: [3] }, bytes: 2 });
    await third;
  });

  test('a shared answer is frozen: several requests read it', async () => {
    const { send, settle } = heldSend();
    const a = send(base, {});
    const b = send(base, {});
    settle();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toBe(rb);
    expect(Object.isFrozen(ra.body)).toBe(true);
  });

  test('an answer no other request joined stays its own request\'s: not frozen', async () => {
    const { send, settle } = heldSend();
    const a = send(base, {});
    settle();
    expect(Object.isFrozen((await a).body)).toBe(false);
  });
});
