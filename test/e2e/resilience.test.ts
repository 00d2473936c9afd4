import { describe, expect, test } from 'vitest';
import { codesOf, PROFILE_IDS, PROFILE_QUERY, useRigs, waitFor } from './resilience-fixtures.ts';
import type { GatewayOptions } from '../../src/index.ts';
import { locationOf } from '../support/location-of.ts';

const rigs = useRigs();

const start = rigs.start;

const ids = PROFILE_IDS;


describe('request deadline', () => {
  test.for<{ name: string; options: Partial<GatewayOptions>; headers: Record<string, string>; deadlineMs: number }>([
    { name: 'a caller header lowers the deadline', options: {}, headers: { 'x-tessera-timeout-ms': '400' }, deadlineMs: 400 },
    { name: 'the server default applies without a header', options: { requestTimeoutMs: 400 }, headers: {}, deadlineMs: 400 },
    { name: 'a header cannot raise the server default', options: { requestTimeoutMs: 400 }, headers: { 'x-tessera-timeout-ms': '60000' }, deadlineMs: 400 },
  ])('$name: a hanging upstream costs the deadline, not its own timeout', async (c) => {
    const { gw } = await start({ timeoutMs: 5_000 }, c.options);
    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    const { status, body } = await gw.query(PROFILE_QUERY('1'), undefined, c.headers);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { profile: null },
      errors: [{ message: `Upstream profiles.getProfiles timed out after ${rigs.upstream.calls[0]!.headers['x-tessera-deadline-ms']} ms`, locations: locationOf(PROFILE_QUERY('x'), 'profile'), path: ['profile'], extensions: { code: 'UPSTREAM_TIMEOUT', ...ids } }],
    });
    // The upstream was told how long it had: no more than the deadline.
    const forwarded = Number(rigs.upstream.calls[0]!.headers['x-tessera-deadline-ms']);
    expect(forwarded).toBeGreaterThan(0);
    expect(forwarded).toBeLessThanOrEqual(c.deadlineMs);
    // No retry: there was no time left for one (with the 5 s timeout alone there would be three attempts).
    expect(rigs.upstream.callsTo('/profiles')).toBe(1);
  });

  test('the deadline is shared across plan stages: a slow first stage leaves less for the next', async () => {
    const { gw } = await start({ timeoutMs: 5_000 });
    rigs.upstream.setFault('/users', { kind: 'delay', ms: 300 });
    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    // profileByName's key is the user's name: its call waits for the users' answer.
    const { body } = await gw.query('{ users(ids: ["1"]) { name profileByName { bio } } }', undefined, { 'x-tessera-timeout-ms': '600' });
    expect(body.data).toEqual({ users: [{ name: 'User 1', profileByName: null }] });
    expect(codesOf(body)).toEqual(['UPSTREAM_TIMEOUT']);
    const usersBudget = Number(rigs.upstream.calls.find((c) => c.route === '/users')!.headers['x-tessera-deadline-ms']);
    const profilesBudget = Number(rigs.upstream.calls.find((c) => c.route === '/profiles')!.headers['x-tessera-deadline-ms']);
    expect(usersBudget).toBeLessThanOrEqual(600);
    // The profiles call started after the users stage, which the upstream held for 300 ms: what
    // it was told it had left is what the users stage left, less those 300 ms (200 allows for
    // timers firing a tick early), never a fresh 600 or its own 5 s.
    expect(profilesBudget).toBeGreaterThan(0);
    expect(profilesBudget).toBeLessThan(usersBudget - 200);
    expect(rigs.upstream.callsTo('/profiles')).toBe(1);
  });

  test('a malformed deadline header is a 400 with REQUEST_INVALID', async () => {
    const { gw } = await start({});
    const { status, body } = await gw.query(PROFILE_QUERY('1'), undefined, { 'x-tessera-timeout-ms': 'soon' });
    expect(status).toBe(400);
    expect(body).toEqual({ errors: [{ message: 'The x-tessera-timeout-ms header must be a positive integer number of milliseconds; got "soon".', extensions: { code: 'REQUEST_INVALID' } }] });
    expect(rigs.upstream.calls).toHaveLength(0);
  });
});

describe('circuit breaker', () => {
  test('opens after its threshold, fails fast without calling the upstream, probes and closes after recovery', async () => {
    const { gw } = await start({ connector: 'retry: { maxRetries: 0 }\ncircuitBreaker: { minRequests: 4, errorThresholdPercent: 50, resetTimeoutMs: 300 }' });
    rigs.upstream.setFault('/profiles', { kind: 'status', status: 503 });
    for (let i = 0; i < 4; i++) {
      const { body } = await gw.query(PROFILE_QUERY(String(i)));
      expect(codesOf(body)).toEqual(['UPSTREAM_HTTP_ERROR']);
    }
    expect(rigs.upstream.callsTo('/profiles')).toBe(4);

    const open = await gw.query(PROFILE_QUERY('9'));
    expect(open.body).toEqual({
      data: { profile: null },
      errors: [{ message: 'Connector profiles is failing; its circuit breaker is open', locations: locationOf(PROFILE_QUERY('x'), 'profile'), path: ['profile'], extensions: { code: 'CIRCUIT_OPEN', ...ids } }],
    });
    // Failing fast: the open breaker answered without calling the upstream.
    expect(rigs.upstream.callsTo('/profiles')).toBe(4);
    expect(gw.gateway.connectorStates().profiles!.breaker).toBe('open');
    // Other connectors are untouched.
    expect((await gw.query('{ users(ids: ["1"]) { name } }')).body).toEqual({ data: { users: [{ name: 'User 1' }] } });

    rigs.upstream.setFault('/profiles', { kind: 'none' });
    // After resetTimeoutMs the breaker lets one probe through; it succeeds and closes the breaker.
    await waitFor(() => gw.gateway.connectorStates().profiles!.breaker === 'halfOpen');
    expect((await gw.query(PROFILE_QUERY('1'))).body).toEqual({ data: { profile: { id: '1', bio: 'Bio of 1' } } });
    // Exactly one probe reached the upstream after the four failures.
    expect(rigs.upstream.callsTo('/profiles')).toBe(5);
    expect(gw.gateway.connectorStates().profiles!.breaker).toBe('closed');
    const states = gw.logs.filter((l) => l.connector === 'profiles' && typeof l.state === 'string').map((l) => [l.state, l.msg]);
    expect(states).toEqual([
      ['open', 'circuit breaker open'],
      ['halfOpen', 'circuit breaker halfOpen'],
      ['closed', 'circuit breaker closed'],
    ]);
  });
});

describe('circuit breaker, failed probe', () => {
  test('a probe that fails opens the breaker again', async () => {
    const { gw } = await start({ connector: 'retry: { maxRetries: 0 }\ncircuitBreaker: { minRequests: 2, resetTimeoutMs: 200 }' });
    rigs.upstream.setFault('/profiles', { kind: 'status', status: 500 });
    for (let i = 0; i < 2; i++) await gw.query(PROFILE_QUERY(String(i)));
    expect(codesOf((await gw.query(PROFILE_QUERY('x'))).body)).toEqual(['CIRCUIT_OPEN']);
    await waitFor(() => gw.logs.some((l) => l.state === 'halfOpen'));
    // The probe reaches the still-failing upstream; the breaker opens again at once.
    expect(codesOf((await gw.query(PROFILE_QUERY('probe'))).body)).toEqual(['UPSTREAM_HTTP_ERROR']);
    expect(codesOf((await gw.query(PROFILE_QUERY('y'))).body)).toEqual(['CIRCUIT_OPEN']);
    expect(rigs.upstream.callsTo('/profiles')).toBe(3);
    expect(gw.logs.filter((l) => l.connector === 'profiles' && typeof l.state === 'string').map((l) => l.state)).toEqual(['open', 'halfOpen', 'open']);
  });
});

describe('retries', () => {
  test('retries stay within the retry budget: 10 failing calls make 12 upstream requests, not 30', async () => {
    const { gw } = await start(
      { connector: 'retry: { maxRetries: 2, baseDelayMs: 0, budgetPercent: 20, minRetriesPerWindow: 0, budgetWindowMs: 60000 }\ncircuitBreaker: { enabled: false }' },
      { dev: true },
    );
    rigs.upstream.setFault('/profiles', { kind: 'status', status: 503 });
    let retries = 0;
    for (let i = 0; i < 10; i++) {
      const { body } = await gw.query(PROFILE_QUERY(String(i)), undefined, { 'x-tessera-explain': '1' });
      expect(codesOf(body)).toEqual(['UPSTREAM_HTTP_ERROR']);
      retries += ((body.extensions?.tessera as { upstreamCalls: Record<string, { retries: number }> }).upstreamCalls['profiles.getProfiles']!).retries;
    }
    // Retries are at most 20 % of the 10 first attempts.
    expect(rigs.upstream.callsTo('/profiles')).toBe(12);
    expect(gw.gateway.connectorStates().profiles!.breaker).toBe('disabled');
    expect(retries).toBe(2);
  });

  test.for([
    { name: 'a POST is not retried', field: 'searchProfiles', calls: 1 },
    { name: 'a POST marked idempotent is retried', field: 'searchProfilesIdempotent', calls: 3 },
  ])('$name', async (c) => {
    const { gw } = await start({ connector: 'retry: { maxRetries: 2, baseDelayMs: 0 }' });
    rigs.upstream.setFault('/profiles', { kind: 'status', status: 502 });
    const { body } = await gw.query(`{ ${c.field}(text: "x") { id } }`);
    expect(codesOf(body)).toEqual(['UPSTREAM_HTTP_ERROR']);
    expect(rigs.upstream.calls.map((call) => call.url.pathname)).toEqual(Array(c.calls).fill('/profiles/search'));
  });
});

describe('response cache', () => {
  test('concurrent identical calls share one upstream request; later ones hit the cache until the TTL', async () => {
    const { gw } = await start({ getProfiles: '    cache: { ttlMs: 60000 }' }, { dev: true });
    rigs.upstream.setFault('/profiles', { kind: 'delay', ms: 100 });
    const burst = await Promise.all(Array.from({ length: 5 }, () => gw.query(PROFILE_QUERY('1'))));
    for (const r of burst) expect(r.body).toEqual({ data: { profile: { id: '1', bio: 'Bio of 1' } } });
    expect(rigs.upstream.callsTo('/profiles')).toBe(1);

    const later = await gw.query(PROFILE_QUERY('1'), undefined, { 'x-tessera-explain': '1' });
    expect((later.body.extensions?.tessera as { upstreamCalls: unknown }).upstreamCalls).toEqual({
      'profiles.getProfiles': { calls: 1, batchSizes: [1], failures: 0, retries: 0, cacheHits: 1, answer: 'list by id' },
    });
    expect(rigs.upstream.callsTo('/profiles')).toBe(1);
    await gw.query(PROFILE_QUERY('2'));
    expect(rigs.upstream.calls.map((c) => c.url.searchParams.get('ids'))).toEqual(['1', '2']);
  });

  test('failures are not cached', async () => {
    const { gw } = await start({ connector: 'retry: { maxRetries: 0 }', getProfiles: '    cache: { ttlMs: 60000 }' });
    rigs.upstream.setFault('/profiles', { kind: 'status', status: 503 });
    expect(codesOf((await gw.query(PROFILE_QUERY('1'))).body)).toEqual(['UPSTREAM_HTTP_ERROR']);
    rigs.upstream.setFault('/profiles', { kind: 'none' });
    expect((await gw.query(PROFILE_QUERY('1'))).body).toEqual({ data: { profile: { id: '1', bio: 'Bio of 1' } } });
    expect(rigs.upstream.callsTo('/profiles')).toBe(2);
  });
});


describe('per-field fallbacks', () => {
  test('a failing field serves its last good value, marked stale; without one it is null with its error', async () => {
    const { gw } = await start({ connector: 'retry: { maxRetries: 0 }' });
    const q = (id: string) => `{ users(ids: ["${id}"]) { id staleProfile { bio } } }`;
    expect((await gw.query(q('1'))).body).toEqual({ data: { users: [{ id: '1', staleProfile: { bio: 'Bio of 1' } }] } });

    rigs.upstream.setFault('/profiles', { kind: 'status', status: 503 });
    const stale = await gw.query(q('1'));
    expect(stale.body.data).toEqual({ users: [{ id: '1', staleProfile: { bio: 'Bio of 1' } }] });
    expect(stale.body.errors).toBeUndefined();
    const notes = stale.body.extensions?.fallbacks as { ageMs: number }[];
    expect(notes).toEqual([{ path: ['users', 0, 'staleProfile'], kind: 'stale', code: 'UPSTREAM_HTTP_ERROR', ageMs: notes[0]!.ageMs }]);
    expect(notes[0]!.ageMs).toBeGreaterThanOrEqual(0);

    // User 2 was never fetched while healthy: nothing to fall back on.
    expect((await gw.query(q('2'))).body).toEqual({
      data: { users: [{ id: '2', staleProfile: null }] },
      errors: [{ message: 'Upstream profiles.getProfiles answered HTTP 503', locations: locationOf(q('2'), 'staleProfile'), path: ['users', 0, 'staleProfile'], extensions: { code: 'UPSTREAM_HTTP_ERROR', ...ids, status: 503 } }],
    });
  });

  test('a fallback value goes through the field\'s post-processing: a masked field stays masked', async () => {
    const { gw } = await start({ connector: 'retry: { maxRetries: 0 }' });
    rigs.upstream.setFault('/profiles', { kind: 'status', status: 503 });
    const { body } = await gw.query('{ users(ids: ["3"]) { phoneOrDefault } }');
    expect(body).toEqual({
      data: { users: [{ phoneOrDefault: '******4567' }] },
      extensions: { fallbacks: [{ path: ['users', 0, 'phoneOrDefault'], kind: 'default', code: 'UPSTREAM_HTTP_ERROR' }] },
    });
  });

  test('a stale value fetched with fewer upstream fields never stands in for a request that needs more', async () => {
    const { gw } = await start({ connector: 'retry: { maxRetries: 0 }' });
    expect((await gw.query('{ users(ids: ["4"]) { staleProfile { id } } }')).body).toEqual({ data: { users: [{ staleProfile: { id: '4' } }] } });
    rigs.upstream.setFault('/profiles', { kind: 'status', status: 503 });
    const { body } = await gw.query('{ users(ids: ["4"]) { staleProfile { id bio } } }');
    expect(body.data).toEqual({ users: [{ staleProfile: null }] });
    expect(codesOf(body)).toEqual(['UPSTREAM_HTTP_ERROR']);
    // The same selection as before is served from the stale value.
    expect((await gw.query('{ users(ids: ["4"]) { staleProfile { id } } }')).body.data).toEqual({ users: [{ staleProfile: { id: '4' } }] });
    expect(rigs.upstream.calls.filter((c) => c.route === '/profiles').map((c) => c.url.searchParams.get('fields'))).toEqual(['id', 'bio,id', 'id']);
  });

  test('with no stale value the static default is served, marked as a default', async () => {
    const { gw } = await start({ connector: 'retry: { maxRetries: 0 }' });
    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    const { body } = await gw.query('{ users(ids: ["7"]) { name profileOrDefault { id bio } } }');
    expect(body).toEqual({
      data: { users: [{ name: 'User 7', profileOrDefault: { id: '?', bio: 'unavailable' } }] },
      extensions: { fallbacks: [{ path: ['users', 0, 'profileOrDefault'], kind: 'default', code: 'UPSTREAM_TIMEOUT' }] },
    });
  });
});
