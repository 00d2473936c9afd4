import { describe, expect, test } from 'vitest';
import { useRigs } from './resilience-fixtures.ts';
import { waitFor } from '../support/wait-for.ts';
import { callersYaml } from '../support/callers.ts';

const rigs = useRigs();

const USERS_ONLY = '{ users(ids: ["1"]) { name } }';
const OVERLOADED = { errors: [{ message: 'The gateway is overloaded; retry shortly.', extensions: { code: 'OVERLOADED' } }] };

describe('load shedding', () => {
  test('past its in-flight cap the gateway sheds with a fast 503 OVERLOADED, then recovers', async () => {
    const rig = await rigs.start({ connector: 'retry: { maxRetries: 0 }' }, { maxInFlight: 5 });
    // The admitted requests hang at the upstream until every other one has been answered, so
    // exactly five are in flight whatever the machine's speed.
    rigs.upstream.setFault('/profiles', { kind: 'hang' });
    let answered = 0;
    const pending = Array.from({ length: 20 }, (_, i) => rig.gw.query(`{ profile(id: "${i}") { id } }`).finally(() => (answered += 1)));
    await waitFor(() => rigs.upstream.callsTo('/profiles') === 5 && answered === 15, 'five calls held upstream and fifteen requests shed');
    rigs.upstream.releaseHung();
    const responses = await Promise.all(pending);

    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(200), ...Array(15).fill(503)]);
    for (const shed of responses.filter((r) => r.status === 503)) {
      expect(shed.body).toEqual(OVERLOADED);
      expect(shed.headers.get('retry-after')).toBe('1');
    }
    // Only admitted requests reached the upstream; health checks are never shed.
    expect(rigs.upstream.callsTo('/profiles')).toBe(5);
    const health = await fetch(`${rig.gw.url}/healthz`);
    expect(health.status).toBe(200);
    // The admitted requests are done: the gateway serves again.
    expect((await rig.gw.query(USERS_ONLY)).body).toEqual({ data: { users: [{ name: 'User 1' }] } });
  });
});

describe('per-caller rate limits (gateway.yaml)', () => {
  const GATEWAY_YAML = `
rateLimits:
  default: { requestsPerSecond: 1000, burst: 1000 }
  callers:
    reports: { requestsPerSecond: 1, burst: 2 }
`;
  // Rate limits key on the verified caller (callers.yaml), never on a header the caller writes.
  const CALLERS_YAML = callersYaml({ mode: 'optional', callers: { reports: ['reports-key'], checkout: ['checkout-key'] } });

  test('a caller over its limit gets 429 with Retry-After; other callers are not affected', async () => {
    const rig = await rigs.start({}, {}, GATEWAY_YAML, CALLERS_YAML);
    const as = (caller: string) => rig.gw.query(USERS_ONLY, undefined, { 'x-api-key': `${caller}-key` });
    expect((await as('reports')).status).toBe(200);
    expect((await as('reports')).status).toBe(200);
    const limited = await as('reports');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toEqual({ errors: [{ message: 'Rate limit exceeded for this caller.', extensions: { code: 'RATE_LIMITED' } }] });
    // Another caller, and the anonymous caller, use the default limit.
    expect((await as('checkout')).status).toBe(200);
    expect((await rig.gw.query(USERS_ONLY)).status).toBe(200);
    expect(rigs.upstream.callsTo('/users')).toBe(4);
  });

  test('x-caller-id is not an identity: claiming a limited caller\'s id neither uses its quota nor escapes the default', async () => {
    const rig = await rigs.start({}, {}, GATEWAY_YAML, CALLERS_YAML);
    for (let i = 0; i < 3; i++) expect((await rig.gw.query(USERS_ONLY, undefined, { 'x-caller-id': 'reports' })).status).toBe(200);
    // The real `reports` still has its whole burst.
    expect((await rig.gw.query(USERS_ONLY, undefined, { 'x-api-key': 'reports-key' })).status).toBe(200);
    expect((await rig.gw.query(USERS_ONLY, undefined, { 'x-api-key': 'reports-key' })).status).toBe(200);
    const access = rig.gw.logs.filter((l) => l.msg === 'request completed').map((l) => l.callerId);
    expect(access).toEqual(['anonymous', 'anonymous', 'anonymous', 'reports', 'reports']);
  });
});
