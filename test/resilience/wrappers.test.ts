import { performance } from 'node:perf_hooks';
import { describe, expect, test } from 'vitest';
import { compose } from '../../src/resilience/index.ts';
import { backoffMs, isRetryable, withRetry } from '../../src/resilience/retry.ts';
import { RetryBudget } from '../../src/resilience/retry-budget.ts';
import { withResponseCache } from '../../src/resilience/response-cache.ts';
import { ConnectorCircuitBreaker } from '../../src/resilience/circuit-breaker.ts';
import { StaleStore } from '../../src/resilience/stale-store.ts';
import { UpstreamError } from '../../src/errors/gateway-error.ts';
import type { SendFn, UpstreamRequest } from '../../src/transports/transport.ts';

const policy = { connectTimeoutMs: 1_000, idempotent: true, retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 300 }, cacheTtlMs: 60_000, cacheKeyHeaders: [] };
const request = (path: string): UpstreamRequest => ({ connector: 'c', operation: 'op', method: 'GET', origin: 'http://127.0.0.1:1', path, headers: {}, body: undefined, timeoutMs: 1_000, policy });

describe('backoff: full jitter, capped', () => {
  test.for([
    { retryIndex: 0, random: 0.5, expected: 50 }, // 0.5 × min(300, 100)
    { retryIndex: 1, random: 0.5, expected: 100 }, // 0.5 × min(300, 200)
    { retryIndex: 2, random: 0.5, expected: 150 }, // 0.5 × min(300, 400): capped at 300
    { retryIndex: 5, random: 0.999, expected: 299 },
    { retryIndex: 3, random: 0, expected: 0 },
  ])('retry $retryIndex with random $random waits $expected ms', (c) => {
    expect(backoffMs(policy.retry, c.retryIndex, () => c.random)).toBe(c.expected);
  });
});

describe('what is retried: decided on codes', () => {
  const upstream = (code: ConstructorParameters<typeof UpstreamError>[0], details: Record<string, unknown> = {}) => new UpstreamError(code, 'x', { details });
  test.for([
    { name: 'timeout', error: upstream('UPSTREAM_TIMEOUT'), retryable: true },
    { name: 'refused or reset', error: upstream('UPSTREAM_UNAVAILABLE'), retryable: true },
    { name: 'HTTP 503', error: upstream('UPSTREAM_HTTP_ERROR', { status: 503 }), retryable: true },
    { name: 'HTTP 429 (slow down, not again)', error: upstream('UPSTREAM_HTTP_ERROR', { status: 429 }), retryable: false },
    { name: 'HTTP 400', error: upstream('UPSTREAM_HTTP_ERROR', { status: 400 }), retryable: false },
    { name: 'bad JSON', error: upstream('UPSTREAM_BAD_RESPONSE'), retryable: false },
    { name: 'breaker open', error: upstream('CIRCUIT_OPEN'), retryable: false },
    { name: 'queue full', error: upstream('OVERLOADED'), retryable: false },
    { name: 'never sent (deadline)', error: upstream('UPSTREAM_TIMEOUT', { notSent: true }), retryable: false },
    { name: 'failure stated in the body', error: upstream('UPSTREAM_BODY_ERROR', { upstreamCode: 1001 }), retryable: false },
    { name: 'failure stated in the body, code in retryOn', error: upstream('UPSTREAM_BODY_ERROR', { upstreamCode: 503, retryableBodyFailure: true }), retryable: true },
    { name: 'not ours', error: new Error('boom'), retryable: false },
  ])('$name → $retryable', (c) => {
    expect(isRetryable(c.error)).toBe(c.retryable);
  });
});

describe('the error that ends a call says how many attempts were made, how long they took and why no other', () => {
  const unavailable = () => new UpstreamError('UPSTREAM_UNAVAILABLE', 'Upstream c.op is unavailable', { details: { connector: 'c' }, diagnosis: { text: 'GET http://127.0.0.1:1/x: connect ECONNREFUSED.', facts: { cause: 'ECONNREFUSED' } } });
  const fast = { ...policy, retry: { maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0 } };
  test.for([
    { name: 'retried to the limit', req: { ...request('/x'), policy: fast }, budget: 10, error: unavailable, calls: 3, stop: '3 attempts, {time}.' },
    { name: 'a POST', req: { ...request('/x'), method: 'POST' as const, policy: { ...fast, idempotent: false } }, budget: 10, error: unavailable, calls: 1, stop: '1 attempt, {time} (POST is not retried unless the operation says idempotent: true).' },
    { name: 'no retries configured', req: { ...request('/x'), policy: { ...fast, retry: { ...fast.retry, maxRetries: 0 } } }, budget: 10, error: unavailable, calls: 1, stop: '1 attempt, {time} (retry.maxRetries is 0).' },
    { name: 'the budget spent', req: { ...request('/x'), policy: fast }, budget: 0, error: unavailable, calls: 1, stop: "1 attempt, {time} (the connector's retry budget is spent)." },
    {
      name: 'a failure no retry can fix',
      req: { ...request('/x'), policy: fast },
      budget: 10,
      error: () => new UpstreamError('UPSTREAM_HTTP_ERROR', 'Upstream c.op answered HTTP 400', { details: { status: 400 }, diagnosis: { text: 'GET http://127.0.0.1:1/x.', facts: { status: 400 } } }),
      calls: 1,
      stop: '1 attempt, {time} (not a retryable failure).',
    },
  ])('$name', async (c) => {
    let calls = 0;
    const first = c.error();
    const send = withRetry(new RetryBudget({ percent: 0, minRetriesPerWindow: c.budget, windowMs: 10_000 }))(() => {
      calls += 1;
      return Promise.reject(calls === 1 ? first : c.error());
    });
    const error = (await send(c.req, {}).catch((e: unknown) => e)) as UpstreamError;
    expect(calls).toBe(c.calls);
    // Same code, message, status and details: retry policies and breakers cannot tell the copy apart.
    expect([error.code, error.message, error.httpStatus, error.details]).toEqual([first.code, first.message, first.httpStatus, first.details]);
    const pattern = `${first.diagnosis!.text} ${c.stop}`.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace('{time}', '\\d+ ms');
    expect(error.diagnosis!.text).toMatch(new RegExp(`^${pattern}$`));
    expect(error.diagnosis!.facts).toEqual({ ...first.diagnosis!.facts, attempts: c.calls, elapsedMs: expect.any(Number) });
  });
});

describe('retry budget', () => {
  test('allows retries below minRetries + percent × first attempts, and refills as the window slides', () => {
    let now = 1_000_000;
    const budget = new RetryBudget({ percent: 50, minRetriesPerWindow: 1, windowMs: 200 }, () => now);
    for (let i = 0; i < 4; i++) budget.recordAttempt();
    // 1 + 50 % × 4 = 3 retries.
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true, false]);
    now += 100; // half the window later: the attempts and retries still count
    expect(budget.tryRetry()).toBe(false);
    now += 150; // the first buckets have slid out: only the floor is left
    expect([budget.tryRetry(), budget.tryRetry()]).toEqual([true, false]);
  });
});

describe('response cache', () => {
  test('bounded in bytes: entries beyond maxBytes are evicted least-recently-used first', async () => {
    const calls: string[] = [];
    const send: SendFn = async (r) => {
      calls.push(r.path);
      return { status: 200, body: { path: r.path }, bytes: 400 };
    };
    const cached = compose(send, [withResponseCache({ maxEntries: 100, maxBytes: 1_000 })]);
    for (const path of ['/a', '/b', '/a', '/c', '/a', '/b']) await cached(request(path), {});
    // /a, /b fit (800 bytes); /c evicts /b (the least recently used); /b is fetched again.
    expect(calls).toEqual(['/a', '/b', '/c', '/b']);
  });

  test('a caller joining an identical call in flight still gets its answer within its own deadline', async () => {
    let answer!: (response: { status: number; body: unknown; bytes: number }) => void;
    let calls = 0;
    const send: SendFn = () => {
      calls += 1;
      return new Promise((resolve) => (answer = resolve));
    };
    const cached = compose(send, [withResponseCache({ maxEntries: 10, maxBytes: 1_000 })]);
    const leader = cached(request('/slow'), {});
    const hurried = cached(request('/slow'), { deadlineAt: performance.now() + 20 });
    await expect(hurried).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'Upstream c.op was not called: the request deadline was reached' });
    const patient = cached(request('/slow'), {});
    answer({ status: 200, body: { ok: true }, bytes: 11 });
    expect(await leader).toEqual({ status: 200, body: { ok: true }, bytes: 11 });
    expect(await patient).toEqual({ status: 200, body: { ok: true }, bytes: 11 });
    expect(calls).toBe(1);
  });

  test('a cached answer is shared frozen: a write into it throws instead of changing the next caller\'s answer', async () => {
    const send: SendFn = async () => ({ status: 200, body: { items: [{ id: '1', tags: ['a'] }] }, bytes: 30 });
    const cached = compose(send, [withResponseCache({ maxEntries: 10, maxBytes: 1_000 })]);
    const first = (await cached(request('/items'), {})).body as { items: { id: string; tags: string[] }[] };
    expect(() => first.items[0]!.tags.push('b')).toThrow(TypeError);
    expect(() => (first.items[0]!.id = '2')).toThrow(TypeError);
    expect((await cached(request('/items'), {})).body).toEqual({ items: [{ id: '1', tags: ['a'] }] });
  });

  test('compose refuses a wrapper that does not return a send function', () => {
    const send: SendFn = async () => ({ status: 200, body: null, bytes: 0 });
    expect(() => compose(send, [() => (() => undefined) as unknown as SendFn])).toThrow(
      'Tessera invariant failed: resilience wrapper #0 must return a (request, options) => Promise function',
    );
  });
});

describe('circuit breaker after shutdown', () => {
  test('a call that reaches a closed breaker fails as a typed, unsent, not-retried upstream error', async () => {
    const breakerPolicy = { enabled: true, errorThresholdPercent: 50, minRequests: 20, windowMs: 10_000, resetTimeoutMs: 5_000 };
    const breaker = new ConnectorCircuitBreaker('crm', breakerPolicy, () => undefined);
    let sent = 0;
    const send = breaker.wrap(async () => {
      sent += 1;
      return { status: 200, body: {}, bytes: 2 };
    });
    breaker.shutdown();
    const error = await send(request('/customers/1'), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: 'Connector crm is closed: the gateway is shutting down' });
    expect(isRetryable(error)).toBe(false);
    expect(sent).toBe(0);
  });
});

describe('stale store', () => {
  test('a value served as a stale fallback is frozen, so the requests it is served to cannot change it', () => {
    const store = new StaleStore({ maxEntries: 10 });
    store.remember('k', { items: [{ id: '1' }] }, 60_000);
    const first = store.recall('k')!.value as { items: { id: string }[] };
    expect(() => (first.items[0]!.id = '2')).toThrow(TypeError);
    expect(store.recall('k')!.value).toEqual({ items: [{ id: '1' }] });
  });
});
