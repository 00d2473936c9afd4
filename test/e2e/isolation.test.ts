import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { codesOf, PROFILE_IDS, PROFILE_QUERY, timed, useRigs, waitFor } from './resilience-fixtures.ts';
import { locationOf } from '../support/location-of.ts';

const rigs = useRigs();

const start = rigs.start;

const ids = PROFILE_IDS;


describe('concurrency limit', () => {
  test('a full queue rejects at once with OVERLOADED; queued calls still run', async () => {
    const { gw, gw: { gateway } } = await start({ timeoutMs: 1_000, connector: 'retry: { maxRetries: 0 }\nconcurrency: { maxConcurrent: 1, maxQueue: 1 }' });
    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    const first = gw.query(PROFILE_QUERY('a'));
    await waitFor(() => rigs.upstream.callsTo('/profiles') === 1);
    const second = gw.query(PROFILE_QUERY('b'));
    await sleep(50);
    expect(gateway.connectorStates()).toEqual({
      accounts: { breaker: 'closed', inFlight: 0, queued: 0 },
      profiles: { breaker: 'closed', inFlight: 1, queued: 1 },
    });
    const [third, thirdMs] = await timed(() => gw.query(PROFILE_QUERY('c')));
    expect(third.body).toEqual({
      data: { profile: null },
      errors: [{ message: 'Connector profiles is at its limit of 1 calls in flight and 1 queued', locations: locationOf(PROFILE_QUERY('x'), 'profile'), path: ['profile'], extensions: { code: 'OVERLOADED', ...ids } }],
    });
    expect(thirdMs).toBeLessThan(900); // answered before the call in flight could time out
    expect(codesOf((await first).body)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(codesOf((await second).body)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(rigs.upstream.calls.map((c) => c.url.searchParams.get('ids'))).toEqual(['a', 'b']);
  });
  test('a queued call gives up at its request deadline without ever being sent', async () => {
    const { gw } = await start({ timeoutMs: 2_000, connector: 'retry: { maxRetries: 0 }\nconcurrency: { maxConcurrent: 1, maxQueue: 5 }' });
    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    const first = gw.query(PROFILE_QUERY('a'));
    await waitFor(() => rigs.upstream.callsTo('/profiles') === 1);
    const [queued, queuedMs] = await timed(() => gw.query(PROFILE_QUERY('b'), undefined, { 'x-tessera-timeout-ms': '300' }));
    expect(queued.body).toEqual({
      data: { profile: null },
      errors: [{ message: 'Upstream profiles.getProfiles was not called: the request deadline was reached', locations: locationOf(PROFILE_QUERY('x'), 'profile'), path: ['profile'], extensions: { code: 'UPSTREAM_TIMEOUT', ...ids } }],
    });
    expect(queuedMs).toBeLessThan(1_500); // the call in flight holds its slot for 2 s
    expect(codesOf((await first).body)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(rigs.upstream.calls.map((c) => c.url.searchParams.get('ids'))).toEqual(['a']);
  });
});

describe('isolation', () => {
  test('while one connector hangs, queries that do not touch it keep their latency', async () => {
    const { gw } = await start({ timeoutMs: 1_500, connector: 'retry: { maxRetries: 0 }' });
    const usersOnly = '{ users(ids: ["1", "2"]) { id name } }';
    const medianLatency = async () => {
      const samples: number[] = [];
      for (let i = 0; i < 30; i++) samples.push((await timed(() => gw.query(usersOnly)))[1]);
      return samples.sort((a, b) => a - b)[15]!;
    };
    await medianLatency(); // warm up: connections, plan cache
    const baseline = await medianLatency();

    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    const hung = Array.from({ length: 40 }, (_, i) => gw.query(PROFILE_QUERY(`h${i}`)));
    await waitFor(() => rigs.upstream.callsTo('/profiles') >= 1);
    const during = await medianLatency();
    const hungResults = await Promise.all(hung);

    expect(new Set(hungResults.map((r) => `${r.status} ${codesOf(r.body).join()}`))).toEqual(new Set(['200 UPSTREAM_TIMEOUT']));
    // Generous on purpose (2 shared cores): a blocked gateway would be ~1000× slower, not 10×.
    expect(during).toBeLessThan(Math.max(baseline * 10, 50));
  });
});
