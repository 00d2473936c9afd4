import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFaultUpstream, type Fault, type FaultUpstream } from '../support/fault-upstream.ts';
import { profilesBody, startRig, usersBody, USERS_WITH_PROFILES } from './resilience-fixtures.ts';
import { locationOf } from '../support/location-of.ts';

// Retries fast and a breaker that never opens here: this table is about what each fault yields.
const PROFILES_SETTINGS = `
retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 }
circuitBreaker: { minRequests: 1000 }
`;

let upstream: FaultUpstream;
beforeAll(async () => {
  upstream = await startFaultUpstream({ '/users': usersBody, '/profiles': profilesBody });
});
afterAll(() => upstream.close());

const USERS = [
  { id: '1', name: 'User 1' },
  { id: '2', name: 'User 2' },
];
const withProfiles = (p1: unknown, p2: unknown) => ({ users: [{ ...USERS[0], profile: p1 }, { ...USERS[1], profile: p2 }] });
const PROFILE_1 = { id: '1', bio: 'Bio of 1' };
const PROFILE_2 = { id: '2', bio: 'Bio of 2' };
const AT_PROFILE = locationOf(USERS_WITH_PROFILES, 'profile');
const onBoth = (message: string, extensions: Record<string, unknown>) => [
  { message, locations: AT_PROFILE, path: ['users', 0, 'profile'], extensions },
  { message, locations: AT_PROFILE, path: ['users', 1, 'profile'], extensions },
];
const ids = { connector: 'profiles', operation: 'getProfiles' };

interface FaultCase {
  name: string;
  fault: Fault;
  data: unknown;
  errors: unknown[] | undefined;
  /** Upstream calls to /profiles: 3 = first attempt + 2 retries (GET is idempotent). */
  profileCalls: number;
}

const cases: FaultCase[] = [
  {
    name: 'slow beyond its timeout',
    fault: { kind: 'delay', ms: 5_000 },
    data: withProfiles(null, null),
    errors: onBoth('Upstream profiles.getProfiles timed out after 300 ms', { code: 'UPSTREAM_TIMEOUT', ...ids }),
    profileCalls: 3,
  },
  {
    name: 'hangs',
    fault: { kind: 'hang' },
    data: withProfiles(null, null),
    errors: onBoth('Upstream profiles.getProfiles timed out after 300 ms', { code: 'UPSTREAM_TIMEOUT', ...ids }),
    profileCalls: 3,
  },
  {
    name: 'slow but within its timeout',
    fault: { kind: 'delay', ms: 50 },
    data: withProfiles(PROFILE_1, PROFILE_2),
    errors: undefined,
    profileCalls: 1,
  },
  {
    name: 'answers 503',
    fault: { kind: 'status', status: 503 },
    data: withProfiles(null, null),
    errors: onBoth('Upstream profiles.getProfiles answered HTTP 503', { code: 'UPSTREAM_HTTP_ERROR', ...ids, status: 503 }),
    profileCalls: 3,
  },
  {
    name: 'answers 500',
    fault: { kind: 'status', status: 500 },
    data: withProfiles(null, null),
    errors: onBoth('Upstream profiles.getProfiles answered HTTP 500', { code: 'UPSTREAM_HTTP_ERROR', ...ids, status: 500 }),
    profileCalls: 3,
  },
  {
    name: 'answers 400 (not retried: the same call would fail the same way)',
    fault: { kind: 'status', status: 400 },
    data: withProfiles(null, null),
    errors: onBoth('Upstream profiles.getProfiles answered HTTP 400', { code: 'UPSTREAM_HTTP_ERROR', ...ids, status: 400 }),
    profileCalls: 1,
  },
  {
    name: 'resets the connection',
    fault: { kind: 'reset' },
    data: withProfiles(null, null),
    errors: onBoth('Upstream profiles.getProfiles is unavailable', { code: 'UPSTREAM_UNAVAILABLE', ...ids }),
    profileCalls: 3,
  },
  {
    name: 'sends malformed JSON',
    fault: { kind: 'malformed' },
    data: withProfiles(null, null),
    errors: onBoth('Upstream profiles.getProfiles answered with invalid JSON', { code: 'UPSTREAM_BAD_RESPONSE', ...ids }),
    profileCalls: 1,
  },
  {
    name: 'sends truncated JSON',
    fault: { kind: 'truncated' },
    data: withProfiles(null, null),
    errors: onBoth('Upstream profiles.getProfiles answer was cut short', { code: 'UPSTREAM_BAD_RESPONSE', ...ids }),
    profileCalls: 1,
  },
  {
    name: 'answers JSON of the wrong shape',
    fault: { kind: 'body', body: { items: 'not a list' } },
    data: withProfiles(null, null),
    errors: onBoth('Upstream profiles.getProfiles answered without a list of items.', { code: 'UPSTREAM_BAD_RESPONSE', ...ids }),
    profileCalls: 1,
  },
  {
    name: 'leaves a key out of a batch answer',
    fault: { kind: 'body', body: { items: [PROFILE_1] } },
    data: withProfiles(PROFILE_1, null),
    errors: [
      {
        message: 'Upstream profiles.getProfiles returned no item for key "2".',
        locations: AT_PROFILE,
        path: ['users', 1, 'profile'],
        extensions: { code: 'UPSTREAM_ENTITY_NOT_FOUND', ...ids },
      },
    ],
    profileCalls: 1,
  },
  {
    name: 'adds keys nobody asked for to a batch answer',
    fault: { kind: 'body', body: { items: [{ id: '99', bio: 'stranger' }, PROFILE_2, PROFILE_1, { id: '1', bio: 'duplicate' }] } },
    data: withProfiles(PROFILE_1, PROFILE_2),
    errors: undefined,
    profileCalls: 1,
  },
];

describe('fault injection through the HTTP endpoint: a profiles fault nulls only profile fields', () => {
  test.for(cases)('profiles $name', async (c) => {
    upstream.reset();
    upstream.setFault('/profiles', c.fault);
    const rig = await startRig({ connector: PROFILES_SETTINGS }, {}, upstream);
    try {
      const { status, body } = await rig.gw.query(USERS_WITH_PROFILES);

      expect(status).toBe(200);
      expect(body.data).toEqual(c.data);
      expect(body.errors).toEqual(c.errors);
      expect(upstream.callsTo('/users')).toBe(1);
      expect(upstream.callsTo('/profiles')).toBe(c.profileCalls);
      // Never upstream internals, never a stack trace.
      expect(JSON.stringify(body)).not.toMatch(/database on fire|secret|internal|stack/);
      // The gateway is still up and answers the control connector normally.
      const control = await rig.gw.query('{ users(ids: ["3"]) { id name } }');
      expect(control.body).toEqual({ data: { users: [{ id: '3', name: 'User 3' }] } });
    } finally {
      await rig.close();
    }
  });
});
