import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOORS, type Door } from '../support/gateway.ts';
import { callersYaml } from '../support/callers.ts';
import { AUDIENCE, ISSUER, secretToken, signingKey, startAuthRig, startJwksServer, token, type AuthRig, type JwksServer, type SigningKey } from './auth-fixtures.ts';

const QUERY = '{ users(ids: ["1"]) { id name } }';
const OK = { data: { users: [{ id: '1', name: 'User 1' }] } };
const SECRET = 'a-shared-secret-of-at-least-32-characters';

/** The 401 body for a reason: the same on both doors, since authentication runs before they part. */
const refused = (reason: string) => ({ errors: [{ message: expect.stringMatching(/^Authentication failed: /) as unknown as string, extensions: { code: 'UNAUTHENTICATED', reason } }] });

let key1: SigningKey;
let otherKeySameKid: SigningKey;
let unknownKid: SigningKey;
let es256: SigningKey;

beforeAll(async () => {
  [key1, otherKeySameKid, unknownKid, es256] = await Promise.all([signingKey('k1'), signingKey('k1'), signingKey('k9'), signingKey('k1', 'ES256')]);
});

describe('mode required: API keys and JWTs from a JWKS file', () => {
  let rig: AuthRig;
  beforeAll(async () => {
    const yaml = callersYaml({
      callers: { billing: { keys: ['billing-old', 'billing-new'], scopes: ['customer:read'] }, reports: ['reports-key'] },
      extra: `jwt:\n  issuer: ${ISSUER}\n  audience: ${AUDIENCE}\n  jwksFile: jwks.json\n  clockToleranceSec: 5\n`,
    });
    rig = await startAuthRig(yaml, { 'jwks.json': JSON.stringify({ keys: [key1.publicJwk] }) });
  });
  afterAll(() => rig.close());

  const now = () => Math.floor(Date.now() / 1000);
  // Each row: the request's credential headers (built late: tokens need the keys), and the answer.
  const CASES: { name: string; headers: () => Promise<Record<string, string>>; status: number; reason?: string; caller?: string }[] = [
    { name: 'no credential', headers: async () => ({}), status: 401, reason: 'missing' },
    { name: 'an unknown API key', headers: async () => ({ 'x-api-key': 'billing-typo' }), status: 401, reason: 'unknown-key' },
    { name: 'an empty API key', headers: async () => ({ 'x-api-key': '' }), status: 401, reason: 'unknown-key' },
    { name: 'the old key during rotation', headers: async () => ({ 'x-api-key': 'billing-old' }), status: 200, caller: 'billing' },
    { name: 'the new key during rotation', headers: async () => ({ 'x-api-key': 'billing-new' }), status: 200, caller: 'billing' },
    { name: "another caller's key", headers: async () => ({ 'x-api-key': 'reports-key' }), status: 200, caller: 'reports' },
    { name: 'a valid JWT', headers: async () => ({ authorization: `Bearer ${await token(key1)}` }), status: 200, caller: 'svc-orders' },
    { name: 'the scheme in lower case', headers: async () => ({ authorization: `bearer ${await token(key1, { sub: 'svc-lower' })}` }), status: 200, caller: 'svc-lower' },
    { name: 'an expired JWT', headers: async () => ({ authorization: `Bearer ${await token(key1, { exp: now() - 60 })}` }), status: 401, reason: 'expired' },
    { name: 'a JWT expired within the clock tolerance', headers: async () => ({ authorization: `Bearer ${await token(key1, { exp: now() - 2, sub: 'svc-skew' })}` }), status: 200, caller: 'svc-skew' },
    { name: 'a JWT not valid yet', headers: async () => ({ authorization: `Bearer ${await token(key1, { nbf: now() + 120 })}` }), status: 401, reason: 'not-yet-valid' },
    { name: 'a JWT for another audience', headers: async () => ({ authorization: `Bearer ${await token(key1, { aud: 'another-service' })}` }), status: 401, reason: 'wrong-audience' },
    { name: 'a JWT from another issuer', headers: async () => ({ authorization: `Bearer ${await token(key1, { iss: 'https://evil.test/' })}` }), status: 401, reason: 'wrong-issuer' },
    { name: 'a JWT signed by another key with the same kid', headers: async () => ({ authorization: `Bearer ${await token(otherKeySameKid)}` }), status: 401, reason: 'bad-signature' },
    { name: 'a JWT signed by an unknown kid', headers: async () => ({ authorization: `Bearer ${await token(unknownKid)}` }), status: 401, reason: 'unknown-signing-key' },
    { name: 'a JWT in HS256 (the secret would be the public key)', headers: async () => ({ authorization: `Bearer ${await secretToken(SECRET)}` }), status: 401, reason: 'algorithm-not-allowed' },
    { name: 'a JWT of another key type under a known kid', headers: async () => ({ authorization: `Bearer ${await token(es256, {}, 'ES256')}` }), status: 401, reason: 'unknown-signing-key' },
    { name: 'a JWT without exp', headers: async () => ({ authorization: `Bearer ${await token(key1, { noExp: true })}` }), status: 401, reason: 'bad-claims' },
    { name: 'a JWT whose caller claim is not a plain id', headers: async () => ({ authorization: `Bearer ${await token(key1, { sub: 'a b\nc' })}` }), status: 401, reason: 'bad-claims' },
    { name: 'a bearer token that is not a JWT', headers: async () => ({ authorization: 'Bearer not.a.jwt' }), status: 401, reason: 'malformed' },
    { name: 'another scheme', headers: async () => ({ authorization: 'Basic YmlsbGluZzpzZWNyZXQ=' }), status: 401, reason: 'malformed' },
  ];

  test.for(DOORS.flatMap((door) => CASES.map((c) => ({ door, ...c }))))('$door door: $name → $status', async ({ door, headers, status, reason, caller }) => {
    const before = rig.upstream.calls.length;
    rig.gw.logs.length = 0;
    const response = await rig.gw.queryVia(door as Door, QUERY, undefined, await headers());
    expect(response.status).toBe(status);
    if (status === 401) {
      expect(response.body).toEqual(refused(reason!));
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      // Refused before parse: no upstream was asked anything.
      expect(rig.upstream.calls.length).toBe(before);
    } else {
      expect(response.body).toEqual(OK);
    }
    const access = rig.gw.logs.filter((l) => l.msg === 'request completed');
    expect(access).toHaveLength(1);
    expect(access[0]!.callerId).toBe(caller);
  });

  test('a credential never reaches the logs', async () => {
    rig.gw.logs.length = 0;
    const jwt = await token(key1);
    await rig.gw.query(QUERY, undefined, { authorization: `Bearer ${jwt}` });
    await rig.gw.query(QUERY, undefined, { 'x-api-key': 'billing-new' });
    const text = JSON.stringify(rig.gw.logs);
    expect(text).not.toContain(jwt);
    expect(text).not.toContain('billing-new');
  });

  test('an x-caller-id header is ignored: the verified identity wins', async () => {
    rig.gw.logs.length = 0;
    await rig.gw.query(QUERY, undefined, { 'x-api-key': 'reports-key', 'x-caller-id': 'billing' });
    expect(rig.gw.logs.find((l) => l.msg === 'request completed')!.callerId).toBe('reports');
  });
});

describe('key rotation by reload', () => {
  test('during rotation old and new keys both pass; once the old one is removed it is refused and the new one still passes', async () => {
    const rig = await startAuthRig(callersYaml({ callers: { billing: ['key-2025', 'key-2026'] } }));
    try {
      for (const door of DOORS) {
        expect((await rig.gw.queryVia(door, QUERY, undefined, { 'x-api-key': 'key-2025' })).status).toBe(200);
        expect((await rig.gw.queryVia(door, QUERY, undefined, { 'x-api-key': 'key-2026' })).status).toBe(200);
      }
      await writeFile(path.join(rig.dir, 'callers.yaml'), callersYaml({ callers: { billing: ['key-2026'] } }));
      expect((await rig.gw.gateway.reload()).result).toBe('ok');
      for (const door of DOORS) {
        const old = await rig.gw.queryVia(door, QUERY, undefined, { 'x-api-key': 'key-2025' });
        expect(old.status).toBe(401);
        expect(old.body).toEqual(refused('unknown-key'));
        expect((await rig.gw.queryVia(door, QUERY, undefined, { 'x-api-key': 'key-2026' })).body).toEqual(OK);
      }
    } finally {
      await rig.close();
    }
  });
});

describe('JWTs from a JWKS URL (a real local HTTP server)', () => {
  let jwks: JwksServer;
  let rig: AuthRig;
  let key2: SigningKey;
  beforeAll(async () => {
    key2 = await signingKey('k2');
    jwks = await startJwksServer([key1.publicJwk]);
    const extra = `jwt:\n  issuer: ${ISSUER}\n  audience: [other, ${AUDIENCE}]\n  jwksUrl: ${jwks.url}\n  jwksCooldownMs: 0\n`;
    rig = await startAuthRig(callersYaml({ callers: { 'svc-orders': { scopes: ['customer:read'] } }, extra }));
  });
  afterAll(async () => {
    await rig.close();
    await jwks.close();
  });

  test('the key set is fetched once; a token is verified once and then served from the cache', async () => {
    const jwt = await token(key1);
    for (const door of DOORS) expect((await rig.gw.queryVia(door, QUERY, undefined, { authorization: `Bearer ${jwt}` })).body).toEqual(OK);
    expect(jwks.fetches).toBe(1);
    // Even with the issuer down, a token verified before is still good until its exp.
    jwks.down = true;
    expect((await rig.gw.query(QUERY, undefined, { authorization: `Bearer ${jwt}` })).status).toBe(200);
    expect(jwks.fetches).toBe(1);
    jwks.down = false;
  });

  test('a rotated-in signing key (new kid) is fetched when a token names it; both keys then verify', async () => {
    jwks.keys = [key1.publicJwk, key2.publicJwk];
    const before = jwks.fetches;
    for (const door of DOORS) {
      expect((await rig.gw.queryVia(door, QUERY, undefined, { authorization: `Bearer ${await token(key2, { sub: `via-k2-${door}` })}` })).body).toEqual(OK);
      expect((await rig.gw.queryVia(door, QUERY, undefined, { authorization: `Bearer ${await token(key1, { sub: `via-k1-${door}` })}` })).body).toEqual(OK);
    }
    expect(jwks.fetches).toBe(before + 1);
  });

  test('an issuer whose keys cannot be fetched is a 503 AUTH_UNAVAILABLE, not a 401', async () => {
    jwks.down = true;
    try {
      for (const door of DOORS) {
        const response = await rig.gw.queryVia(door, QUERY, undefined, { authorization: `Bearer ${await token(unknownKid)}` });
        expect(response.status).toBe(503);
        expect(response.body.errors![0]!.extensions).toEqual({ code: 'AUTH_UNAVAILABLE', reason: 'keys-unavailable' });
      }
    } finally {
      jwks.down = false;
    }
  });
});

describe('mode optional, HS256 secret', () => {
  let rig: AuthRig;
  beforeAll(async () => {
    const extra = `jwt:\n  issuer: ${ISSUER}\n  audience: ${AUDIENCE}\n  secret: \${JWT_SECRET}\n`;
    rig = await startAuthRig(callersYaml({ mode: 'optional', callers: { billing: ['billing-key'] }, extra }).replace('${JWT_SECRET}', SECRET));
  });
  afterAll(() => rig.close());

  const CASES: { name: string; headers: () => Promise<Record<string, string>>; status: number; caller?: string; reason?: string }[] = [
    { name: 'no credential: the anonymous caller', headers: async () => ({}), status: 200, caller: 'anonymous' },
    { name: 'a declared key', headers: async () => ({ 'x-api-key': 'billing-key' }), status: 200, caller: 'billing' },
    { name: 'a bad key is refused, never downgraded to anonymous', headers: async () => ({ 'x-api-key': 'nope' }), status: 401, reason: 'unknown-key' },
    { name: 'an HS256 token', headers: async () => ({ authorization: `Bearer ${await secretToken(SECRET)}` }), status: 200, caller: 'svc-batch' },
    { name: 'an HS256 token signed with another secret', headers: async () => ({ authorization: `Bearer ${await secretToken(`${SECRET}-but-not-this-one`)}` }), status: 401, reason: 'bad-signature' },
    { name: 'an RS256 token where only HS256 is accepted', headers: async () => ({ authorization: `Bearer ${await token(key1)}` }), status: 401, reason: 'algorithm-not-allowed' },
  ];
  test.for(DOORS.flatMap((door) => CASES.map((c) => ({ door, ...c }))))('$door door: $name → $status', async ({ door, headers, status, caller, reason }) => {
    rig.gw.logs.length = 0;
    const response = await rig.gw.queryVia(door as Door, QUERY, undefined, await headers());
    expect(response.status).toBe(status);
    if (reason) expect(response.body).toEqual(refused(reason));
    else expect(response.body).toEqual(OK);
    expect(rig.gw.logs.find((l) => l.msg === 'request completed')!.callerId).toBe(caller);
  });
});

describe('mode off and no callers.yaml', () => {
  test.for([
    { name: 'no callers.yaml', yaml: undefined },
    { name: 'mode: off', yaml: callersYaml({ mode: 'off', callers: { billing: ['billing-key'] } }) },
  ])('$name: nothing is checked, no caller is named', async ({ yaml }) => {
    const rig = await startAuthRig(yaml);
    try {
      expect(rig.gw.gateway.authMode).toBe('off');
      for (const door of DOORS) {
        rig.gw.logs.length = 0;
        expect((await rig.gw.queryVia(door, QUERY, undefined, { 'x-api-key': 'anything', 'x-caller-id': 'billing' })).body).toEqual(OK);
        expect(rig.gw.logs.find((l) => l.msg === 'request completed')).not.toHaveProperty('callerId');
      }
    } finally {
      await rig.close();
    }
  });
});
