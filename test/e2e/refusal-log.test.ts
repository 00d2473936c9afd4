import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOORS } from '../support/gateway.ts';
import { callersYaml } from '../support/callers.ts';
import { startFrontDoor, type FrontDoorRig } from './front-door-fixtures.ts';

// Every refusal made before execution is logged once, in the request's access line, with the
// (verified) caller and a reason: whichever rule refused it, whichever door it was headed for.

let rig: FrontDoorRig;
beforeAll(async () => {
  rig = await startFrontDoor('rateLimits:\n  callers:\n    tight: { requestsPerSecond: 1, burst: 1 }\nisolation:\n  allowedCallers: [loadtest]\n', {
    'callers.yaml': callersYaml({ callers: { tight: ['tight-key'], someone: ['someone-key'] } }),
  });
});
afterAll(async () => {
  await rig?.close();
});

const QUERY = '{ user(id: "1") { id } }';

describe.each(DOORS)('refusals before execution are logged once with caller and reason (%s door)', (door) => {
  test.each<{ name: string; headers: Record<string, string>; status: number; callerId: string | undefined; refusal: string }>([
    { name: 'no credential', headers: {}, status: 401, callerId: undefined, refusal: 'UNAUTHENTICATED (missing)' },
    { name: 'an unknown key', headers: { 'x-api-key': 'nobody' }, status: 401, callerId: undefined, refusal: 'UNAUTHENTICATED (unknown-key)' },
    { name: 'a mark the caller may not send', headers: { 'x-api-key': 'someone-key', 'x-tessera-traffic': 'stress' }, status: 403, callerId: 'someone', refusal: 'ISOLATION_MARK_REFUSED' },
    { name: 'a bad deadline header', headers: { 'x-api-key': 'someone-key', 'x-tessera-timeout-ms': 'soon' }, status: 400, callerId: 'someone', refusal: 'REQUEST_INVALID' },
  ])('$name', async ({ headers, status, callerId, refusal }) => {
    rig.gw.logs.length = 0;
    const calls = rig.upstream.calls.length;
    const response = await rig.gw.queryVia(door, QUERY, undefined, headers);
    expect(response.status).toBe(status);
    const lines = rig.gw.logs.filter((l) => l.msg === 'request completed');
    expect(lines.map((l) => [l.status, l.callerId, l.refusal])).toEqual([[status, callerId, refusal]]);
    expect(rig.upstream.calls.length).toBe(calls);
  });
});

test('a rate-limited caller: the second request is refused and logged as such', async () => {
  rig.gw.logs.length = 0;
  const statuses = [];
  for (let i = 0; i < 2; i++) statuses.push((await rig.gw.query(QUERY, undefined, { 'x-api-key': 'tight-key' })).status);
  expect(statuses).toEqual([200, 429]);
  const lines = rig.gw.logs.filter((l) => l.msg === 'request completed');
  expect(lines.map((l) => [l.status, l.callerId, l.refusal])).toEqual([
    [200, 'tight', undefined],
    [429, 'tight', 'RATE_LIMITED'],
  ]);
});
