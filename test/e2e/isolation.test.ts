import { describe, expect, test } from 'vitest';
import { PROFILE_IDS, PROFILE_QUERY, useRigs, waitFor } from './resilience-fixtures.ts';
import { locationOf } from '../support/location-of.ts';

const rigs = useRigs();

const start = rigs.start;

const ids = PROFILE_IDS;


describe('concurrency limit', () => {
  test('a full queue rejects at once with OVERLOADED; queued calls still run', async () => {
    const { gw, gw: { gateway } } = await start({ timeoutMs: 10_000, connector: 'retry: { maxRetries: 0 }\nconcurrency: { maxConcurrent: 1, maxQueue: 1 }' });
    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    const first = gw.query(PROFILE_QUERY('a'));
    await waitFor(() => rigs.upstream.callsTo('/profiles') === 1);
    const second = gw.query(PROFILE_QUERY('b'));
    await waitFor(() => gateway.connectorStates().profiles!.queued === 1);
    expect(gateway.connectorStates()).toEqual({
      accounts: { breaker: 'closed', inFlight: 0, queued: 0 },
      profiles: { breaker: 'closed', inFlight: 1, queued: 1 },
    });
    const third = await gw.query(PROFILE_QUERY('c'));
    expect(third.body).toEqual({
      data: { profile: null },
      errors: [{ message: 'Connector profiles is at its limit of 1 calls in flight and 1 queued', locations: locationOf(PROFILE_QUERY('x'), 'profile'), path: ['profile'], extensions: { code: 'OVERLOADED', ...ids } }],
    });
    // Refused at once: the call in flight and the queued one are still where they were.
    expect(gateway.connectorStates().profiles).toEqual({ breaker: 'closed', inFlight: 1, queued: 1 });
    rigs.upstream.releaseHung();
    expect((await first).body).toEqual({ data: { profile: { id: 'a', bio: 'Bio of a' } } });
    // The queued call was sent once the slot freed, and answered (it hangs too, until released).
    await waitFor(() => rigs.upstream.callsTo('/profiles') === 2);
    rigs.upstream.releaseHung();
    expect((await second).body).toEqual({ data: { profile: { id: 'b', bio: 'Bio of b' } } });
    expect(rigs.upstream.calls.map((c) => c.url.searchParams.get('ids'))).toEqual(['a', 'b']);
  });
  test('a queued call gives up at its request deadline without ever being sent', async () => {
    const { gw, gw: { gateway } } = await start({ timeoutMs: 10_000, connector: 'retry: { maxRetries: 0 }\nconcurrency: { maxConcurrent: 1, maxQueue: 5 }' });
    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    const first = gw.query(PROFILE_QUERY('a'));
    await waitFor(() => rigs.upstream.callsTo('/profiles') === 1);
    const queued = await gw.query(PROFILE_QUERY('b'), undefined, { 'x-tessera-timeout-ms': '300' });
    expect(queued.body).toEqual({
      data: { profile: null },
      errors: [{ message: 'Upstream profiles.getProfiles was not called: the request deadline was reached', locations: locationOf(PROFILE_QUERY('x'), 'profile'), path: ['profile'], extensions: { code: 'UPSTREAM_TIMEOUT', ...ids } }],
    });
    // It gave up while the call in flight still held the only slot (that call hangs until released);
    // its place in the queue is skipped when the slot frees.
    expect(gateway.connectorStates().profiles).toEqual({ breaker: 'closed', inFlight: 1, queued: 1 });
    rigs.upstream.releaseHung();
    expect((await first).body).toEqual({ data: { profile: { id: 'a', bio: 'Bio of a' } } });
    await waitFor(() => gateway.connectorStates().profiles!.inFlight === 0);
    expect(gateway.connectorStates().profiles).toEqual({ breaker: 'closed', inFlight: 0, queued: 0 });
    expect(rigs.upstream.calls.map((c) => c.url.searchParams.get('ids'))).toEqual(['a']);
  });
});

describe('isolation', () => {
  test('while one connector hangs, queries that do not touch it are answered, ahead of the hung ones', async () => {
    const { gw, gw: { gateway } } = await start({ timeoutMs: 10_000, connector: 'retry: { maxRetries: 0 }' });
    const usersOnly = '{ users(ids: ["1", "2"]) { id name } }';
    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    const settled: string[] = [];
    const hung = Array.from({ length: 40 }, (_, i) => gw.query(PROFILE_QUERY(`h${i}`)).finally(() => settled.push(`h${i}`)));
    await waitFor(() => rigs.upstream.callsTo('/profiles') === 40);

    for (let i = 0; i < 30; i++) {
      expect((await gw.query(usersOnly)).body).toEqual({ data: { users: [{ id: '1', name: 'User 1' }, { id: '2', name: 'User 2' }] } });
    }
    // Thirty answers while all forty calls still hang: a blocked gateway could answer none of them first.
    expect(settled).toEqual([]);
    expect(gateway.connectorStates()).toEqual({
      accounts: { breaker: 'closed', inFlight: 0, queued: 0 },
      profiles: { breaker: 'closed', inFlight: 40, queued: 0 },
    });
    expect(rigs.upstream.callsTo('/users')).toBe(30);

    rigs.upstream.releaseHung();
    const answers = await Promise.all(hung);
    expect(answers.map((r) => r.body)).toEqual(answers.map((_, i) => ({ data: { profile: { id: `h${i}`, bio: `Bio of h${i}` } } })));
  });
});
