import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { hashApiKey } from '../../src/callers/api-keys.ts';
import { readDoc } from '../support/markdown.ts';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const HASH = hashApiKey('a-key');

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tessera-callers-'));
  file = path.join(dir, 'callers.yaml');
  await writeFile(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'k1' }] }));
  await writeFile(path.join(dir, 'private.json'), JSON.stringify({ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'secret' }] }));
  await writeFile(path.join(dir, 'broken.json'), '{ "keys": [');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function check(text: string, env: Record<string, string> = {}) {
  return checkConfigSources({ connectorFiles: [], schemaFiles: [], callersFile: { file, text } }, env);
}
function errorsOf(text: string) {
  return check(text).errors.map((e) => ({ code: e.code, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message }));
}

describe('callers.yaml: every bad value at its line and column', () => {
  test.for([
    {
      name: 'a misspelt mode, with a suggestion',
      text: yaml('mode: requird', 'callers:', '  billing:', `    keys: [${HASH}]`),
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 1, column: 7, path: 'callers.mode', message: 'expected one of required, optional, off; got "requird". Did you mean "required"?' }],
    },
    {
      name: 'a misspelt top-level key',
      text: yaml('mode: optional', 'caller:', '  billing: {}'),
      errors: [{ code: 'CONFIG_UNKNOWN_KEY', line: 2, column: 1, path: 'callers.caller', message: 'expected one of the keys mode, callers, anonymous, jwt; got "caller". Did you mean "callers"?' }],
    },
    {
      name: 'a plaintext key where its hash belongs: never quoted back',
      text: yaml('callers:', '  billing:', '    keys: [my-secret-key]'),
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          line: 3,
          column: 12,
          path: 'callers.callers.billing.keys.0',
          message: 'expected the sha256 of an API key as 64 hex digits (tessera hash-key prints it), never the key itself; got a 13-character string',
        },
      ],
    },
    {
      name: 'a misspelt caller key',
      text: yaml('callers:', '  billing:', `    key: [${HASH}]`),
      errors: [{ code: 'CONFIG_UNKNOWN_KEY', line: 3, column: 5, path: 'callers.callers.billing.key', message: 'expected one of the keys keys, scopes; got "key". Did you mean "keys"?' }],
    },
    {
      name: 'one key hash for two callers',
      text: yaml('callers:', '  billing:', `    keys: [${HASH}]`, '  reports:', `    keys: [${HASH}]`),
      errors: [{ code: 'CONFIG_DUPLICATE_NAME', line: 5, column: 11, path: 'callers.callers.reports.keys', message: 'expected each key hash once; this one is also a key of caller "billing"' }],
    },
    {
      name: 'the reserved id anonymous, and a scope with a space',
      text: yaml('callers:', '  anonymous:', '    scopes: ["pii read"]'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', line: 2, column: 3, path: 'callers.callers.anonymous', message: 'expected another id: "anonymous" is the caller without a credential (set its scopes under anonymous:)' },
        { code: 'CONFIG_INVALID_VALUE', line: 3, column: 14, path: 'callers.callers.anonymous.scopes.0', message: 'expected a scope of 1 to 128 printable characters without spaces; got "pii read"' },
      ],
    },
    {
      name: 'mode required with nobody who could call',
      text: yaml('mode: required'),
      errors: [{ code: 'CONFIG_MISSING_KEY', line: 1, column: 7, path: 'callers.mode', message: 'expected callers: (API keys) and/or jwt: (tokens) with mode required; without them no request can be admitted' }],
    },
    {
      name: 'jwt without audience or key source',
      text: yaml('jwt:', '  issuer: https://id.test/'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', line: 1, column: 1, path: 'callers.jwt', message: 'expected key "audience" (the audience your tokens carry in aud, such as tessera); it is missing' },
        { code: 'CONFIG_MISSING_KEY', line: 2, column: 3, path: 'callers.jwt', message: 'expected exactly one of jwksFile, jwksUrl or secret (where the verification keys are); got none' },
      ],
    },
    {
      name: 'two key sources, a short secret and an unknown algorithm',
      text: yaml('jwt:', '  issuer: https://id.test/', '  audience: tessera', '  jwksUrl: https://id.test/jwks', '  secret: short', '  algorithms: [RS265]'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', line: 5, column: 3, path: 'callers.jwt.secret', message: 'expected exactly one of jwksFile, jwksUrl or secret (where the verification keys are); got jwksUrl and secret' },
        { code: 'CONFIG_INVALID_VALUE', line: 5, column: 11, path: 'callers.jwt.secret', message: 'expected an HS256 secret of at least 32 characters, best from the environment (secret: ${TESSERA_JWT_SECRET}); got 5 characters' },
        { code: 'CONFIG_INVALID_VALUE', line: 6, column: 16, path: 'callers.jwt.algorithms.0', message: 'expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519; got "RS265". Did you mean "RS256", "ES256", "HS256", "PS256", or "RS384"?' },
      ],
    },
    {
      name: 'a JWKS URL that is not http(s)',
      text: yaml('jwt:', '  issuer: https://id.test/', '  audience: tessera', '  jwksUrl: file:///etc/keys'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', line: 4, column: 12, path: 'callers.jwt.jwksUrl', message: 'expected an http(s) URL of the issuer\'s JWKS, such as https://id.example.com/.well-known/jwks.json; got "file:///etc/keys"' }],
    },
    {
      name: 'a misspelt jwt key',
      text: yaml('jwt:', '  issuer: https://id.test/', '  audience: tessera', '  jwksFile: jwks.json', '  clockTolerance: 5'),
      errors: [
        {
          code: 'CONFIG_UNKNOWN_KEY',
          line: 5,
          column: 3,
          path: 'callers.jwt.clockTolerance',
          message: 'expected one of the keys issuer, audience, jwksFile, jwksUrl, secret, algorithms, clockToleranceSec, callerClaim, maxCachedTokens, jwksCacheMaxAgeMs, jwksCooldownMs; got "clockTolerance". Did you mean "clockToleranceSec"?',
        },
      ],
    },
  ])('$name', ({ text, errors }) => {
    expect(errorsOf(text)).toEqual(errors);
  });

  test.for([
    { name: 'a missing JWKS file', jwksFile: 'nope.json', message: /^expected a readable JWKS file; got ENOENT for / },
    { name: 'a JWKS file that is not JSON', jwksFile: 'broken.json', message: /^expected a JWKS file in JSON .* is not valid JSON$/ },
    { name: 'a JWKS file with a private key', jwksFile: 'private.json', message: /^expected public keys only in .*private\.json; a key has private or symmetric material/ },
  ])('$name is an error at jwt.jwksFile', ({ jwksFile, message }) => {
    const [error, ...rest] = check(yaml('jwt:', '  issuer: https://id.test/', '  audience: tessera', `  jwksFile: ${jwksFile}`)).errors;
    expect(rest).toEqual([]);
    expect({ line: error!.source?.line, column: error!.source?.column, path: error!.configPath }).toEqual({ line: 4, column: 13, path: 'callers.jwt.jwksFile' });
    expect(error!.message).toMatch(message);
  });

  test('a good file: the defaults filled in, hashes lowercased, the JWKS read next to callers.yaml, ${VAR} interpolated', () => {
    const { config, errors } = check(
      yaml('callers:', '  billing:', `    keys: [${HASH.toUpperCase()}]`, '    scopes: [customer:read]', 'jwt:', '  issuer: https://id.test/', '  audience: [a, b]', '  jwksFile: jwks.json', 'anonymous:', '  scopes: [public]'),
    );
    expect(errors).toEqual([]);
    expect(config.callers).toEqual({
      mode: 'required',
      callers: { billing: { keyHashes: [HASH], scopes: ['customer:read'] } },
      anonymousScopes: ['public'],
      jwt: {
        issuer: ['https://id.test/'],
        audience: ['a', 'b'],
        jwksFile: path.join(dir, 'jwks.json'),
        jwks: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'k1' }] },
        algorithms: undefined,
        clockToleranceSec: 30,
        callerClaim: 'sub',
        maxCachedTokens: 10_000,
        jwksCacheMaxAgeMs: 600_000,
        jwksCooldownMs: 30_000,
      },
    });
    const secret = check(yaml('jwt:', '  issuer: https://id.test/', '  audience: tessera', '  secret: ${JWT_SECRET}'), { JWT_SECRET: 'x'.repeat(32) });
    expect(secret.errors).toEqual([]);
    expect(secret.config.callers?.jwt?.secret).toBe('x'.repeat(32));
  });

  test('a broken callers.yaml is never "no authentication": the config has no callers and an error', () => {
    const { config, errors } = check(yaml('mode: optional', 'callers: [billing]'));
    expect(errors.map((e) => e.code)).toEqual(['CONFIG_INVALID_VALUE']);
    expect(config.callers).toBeUndefined();
  });
});

test('the callers.yaml example of docs/config.md is valid', () => {
  const example = /```yaml\n# callers\.yaml\n([\s\S]*?)```/.exec(readDoc('docs/config.md'))![1]!;
  const { errors, config } = check(example);
  expect(errors).toEqual([]);
  expect(Object.keys(config.callers!.callers)).toEqual(['billing', 'agent-console']);
});

describe('gateway.yaml cors:', () => {
  const errorsIn = (text: string) =>
    checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: 'gateway.yaml', text } }, {}).errors.map((e) => ({ line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message }));
  test.for([
    {
      name: 'an origin with a path, a wildcard and a misspelt key',
      text: yaml('cors:', '  origins: [https://console.example.com/app, "*"]', '  maxAge: 60'),
      errors: [
        { line: 2, column: 13, path: 'gateway.cors.origins.0', message: 'expected an exact origin, scheme://host[:port] without a path or "*", such as https://console.example.com (did you mean "https://console.example.com"?); got "https://console.example.com/app"' },
        { line: 2, column: 46, path: 'gateway.cors.origins.1', message: 'expected an exact origin, scheme://host[:port] without a path or "*", such as https://console.example.com; got "*"' },
        { line: 3, column: 3, path: 'gateway.cors.maxAge', message: 'expected one of the keys origins, maxAgeSec; got "maxAge". Did you mean "maxAgeSec"?' },
      ],
    },
    { name: 'origins not a list', text: yaml('cors:', '  origins: https://console.example.com'), errors: [{ line: 2, column: 12, path: 'gateway.cors.origins', message: 'expected a list of origins such as [https://console.example.com]; got "https://console.example.com"' }] },
  ])('$name', ({ text, errors }) => {
    expect(errorsIn(text)).toEqual(errors);
  });
  test('a good section', () => {
    const { config, errors } = checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: 'gateway.yaml', text: yaml('cors:', '  origins: [https://console.example.com, "http://127.0.0.1:3000"]') } }, {});
    expect(errors).toEqual([]);
    expect(config.gateway.cors).toEqual({ origins: ['https://console.example.com', 'http://127.0.0.1:3000'], maxAgeSec: 600 });
  });
});
