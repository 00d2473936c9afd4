import { execFile } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { JwtVerifier } from '../../src/callers/jwt-verifier.ts';
import { ApiKeyIndex, hashApiKey } from '../../src/callers/api-keys.ts';
import type { JwtConfig } from '../../src/config/types.ts';
import { REPO_ROOT } from '../support/gateway.ts';
import { AUDIENCE, ISSUER, signingKey, token, type SigningKey } from './auth-fixtures.ts';

let key: SigningKey;
let config: JwtConfig;
beforeAll(async () => {
  key = await signingKey('k1');
  config = { issuer: [ISSUER], audience: [AUDIENCE], jwks: { keys: [key.publicJwk as Record<string, unknown>] }, algorithms: undefined, clockToleranceSec: 0, callerClaim: 'sub', maxCachedTokens: 2, jwksCacheMaxAgeMs: 600_000, jwksCooldownMs: 30_000 };
});

describe('JwtVerifier', () => {
  test('a token is verified once: its identity is then served from the cache', async () => {
    const verifier = new JwtVerifier(config, {});
    const jwt = await token(key);
    expect(verifier.cached(jwt)).toBeUndefined();
    const identity = await verifier.verify(jwt);
    expect(verifier.cached(jwt)).toBe(identity);
  });

  test('the cache is bounded (maxCachedTokens): the least recently used token is verified again', async () => {
    const verifier = new JwtVerifier(config, {});
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => token(key, { sub })));
    for (const jwt of [a!, b!, c!]) await verifier.verify(jwt);
    expect([a, b, c].map((jwt) => verifier.cached(jwt!)?.id)).toEqual([undefined, 'b', 'c']);
  });

  test('a refused token is not cached', async () => {
    const verifier = new JwtVerifier(config, {});
    const jwt = await token(key, { aud: 'someone-else' });
    expect(await verifier.verify(jwt)).toBe('wrong-audience');
    expect(verifier.cached(jwt)).toBeUndefined();
  });

  test.for([
    { name: 'scope (space-separated)', claims: { scope: 'customer:read pii:read' }, scopes: ['customer:read', 'pii:read'] },
    { name: 'scp (a list)', claims: { scp: ['customer:read', 'introspect'] }, scopes: ['customer:read', 'introspect'] },
    { name: 'a declared caller: its scopes and the token\'s', claims: { sub: 'billing', scope: 'pii:read' }, scopes: ['billing:admin', 'pii:read'] },
    { name: 'callerClaim azp', claims: { azp: 'console', scope: '' }, scopes: [], claim: 'azp', id: 'console' },
  ])('scopes from $name', async ({ claims, scopes, claim, id }) => {
    const verifier = new JwtVerifier({ ...config, callerClaim: claim ?? 'sub' }, { billing: { keyHashes: [], scopes: ['billing:admin'] } });
    const identity = await verifier.verify(await token(key, claims));
    expect(identity).toMatchObject({ id: id ?? claims.sub ?? 'svc-orders', via: 'jwt' });
    expect([...(identity as { scopes: ReadonlySet<string> }).scopes].sort()).toEqual(scopes);
  });
});

describe('API keys', () => {
  test('matched by their sha256, several per caller; anything else is no caller', () => {
    const index = new ApiKeyIndex({ mode: 'required', anonymousScopes: [], jwt: undefined, callers: { billing: { keyHashes: [hashApiKey('old'), hashApiKey('new')], scopes: ['s'] } } });
    expect(index.size).toBe(2);
    expect(index.lookup('old')?.id).toBe('billing');
    expect(index.lookup('new')).toBe(index.lookup('old'));
    expect(index.lookup('ol')).toBeUndefined();
    expect(index.lookup(hashApiKey('old'))).toBeUndefined(); // the hash itself is not a key
    expect(index.lookup('x'.repeat(10_000))).toBeUndefined();
  });

  test('tessera hash-key prints the sha256 hex of the key on stdin; --generate prints a new key and its hash', async () => {
    const run = (args: string[], input?: string) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        const child = execFile(process.execPath, [path.join(REPO_ROOT, 'src/cli/main.ts'), 'hash-key', ...args], (error, stdout) => resolve({ code: error ? 1 : 0, stdout }));
        child.stdin!.end(input ?? '');
      });
    expect(await run([], 'abc\n')).toEqual({ code: 0, stdout: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n' });
    const generated = await run(['--generate']);
    const [, key, hash] = /^key: {2}(\S+)\nhash: ([0-9a-f]{64})\n$/.exec(generated.stdout)!;
    expect(hashApiKey(key!)).toBe(hash);
  });
});
