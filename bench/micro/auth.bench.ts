/**
 * Micro-benchmark of authentication, the part of every /graphql request callers.yaml adds: an
 * API key (sha256 + lookup + constant-time compare) and a bearer JWT already verified (a cache
 * hit), beside a JWT's first verification (RS256 with jose), which each token pays once.
 *
 *   node bench/micro/auth.bench.ts
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Authenticator } from '../../src/callers/authenticator.ts';
import { hashApiKey } from '../../src/callers/api-keys.ts';
import { JwtVerifier } from '../../src/callers/jwt-verifier.ts';
import type { JwtConfig } from '../../src/config/types.ts';
import { measure, measureAsync, printTable } from './harness.ts';

const { privateKey, publicKey } = await generateKeyPair('RS256');
const jwt: JwtConfig = {
  issuer: ['https://id.test/'],
  audience: ['tessera'],
  jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] },
  algorithms: undefined,
  clockToleranceSec: 30,
  callerClaim: 'sub',
  maxCachedTokens: 10_000,
  jwksCacheMaxAgeMs: 600_000,
  jwksCooldownMs: 30_000,
};
const sign = (sub: string) => new SignJWT({ sub, scope: 'customer:read' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer('https://id.test/').setAudience('tessera').setExpirationTime('10m').sign(privateKey);
const callers = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`svc-${i}`, { keyHashes: [hashApiKey(`key-${i}`), hashApiKey(`key-${i}-next`)], scopes: ['customer:read'] }]));
const authenticator = new Authenticator({ mode: 'required', callers, anonymousScopes: [], jwt });
const token = await sign('svc-7');
await authenticator.authenticate({ authorization: `Bearer ${token}` });

const keyHeaders = { 'x-api-key': 'key-123-next' };
const tokenHeaders = { authorization: `Bearer ${token}` };
const verifier = new JwtVerifier(jwt, callers);
const fresh = await Promise.all(Array.from({ length: 2_000 }, (_, i) => sign(`svc-fresh-${i}`)));
let next = 0;

printTable('Authentication per request (400 callers, 800 keys)', [
  measure('API key (x-api-key)', () => authenticator.authenticate(keyHeaders)),
  measure('JWT seen before (cache hit)', () => authenticator.authenticate(tokenHeaders)),
  await measureAsync('JWT first seen (RS256 verify, once per token)', () => verifier.verify(fresh[next++ % fresh.length]!)),
]);
