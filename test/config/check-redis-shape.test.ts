import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { REDIS_DEFAULTS, resolveRedisSettings } from '../../src/scale-out/index.ts';

const GATEWAY = 'gateway.yaml';
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

function check(text: string, env: Record<string, string> = {}) {
  const { errors, config } = checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: GATEWAY, text } }, env);
  return {
    config,
    errors: errors.map((e) => ({ code: e.code, file: e.source?.file, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message })),
  };
}

describe('gateway.yaml redis: every bad value with its position', () => {
  test.for([
    {
      name: 'a misspelt key, with a suggestion',
      text: yaml('redis:', '  url: redis://redis:6379', '  keyPrefx: "t:"'),
      errors: [
        {
          code: 'CONFIG_UNKNOWN_KEY',
          file: GATEWAY,
          line: 3,
          column: 3,
          path: 'gateway.redis.keyPrefx',
          message: 'expected one of the keys url, tls, keyPrefix, commandTimeoutMs, connectTimeoutMs, replicas, staleIfErrorMs, lockWaitMs, maxEntryBytes; got "keyPrefx". Did you mean "keyPrefix"?',
        },
      ],
    },
    {
      name: 'no url',
      text: yaml('redis:', '  replicas: 3'),
      errors: [{ code: 'CONFIG_MISSING_KEY', file: GATEWAY, line: 1, column: 1, path: 'gateway.redis.url', message: 'expected key "url" (where Redis listens, such as redis://redis:6379); it is missing' }],
    },
    {
      name: 'a url that is not a Redis one (its text is never echoed: it may hold a password)',
      text: yaml('redis:', '  url: http://user:secret@redis:6379'),
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          file: GATEWAY,
          line: 2,
          column: 8,
          path: 'gateway.redis.url',
          message: 'expected a Redis URL, redis://[user:password@]host[:port][/db] or rediss://… for TLS, such as redis://redis:6379; got a string that is not one',
        },
      ],
    },
    {
      name: 'a command timeout that would spend the request budget',
      text: yaml('server: { requestTimeoutMs: 2000 }', 'redis:', '  url: redis://redis:6379', '  commandTimeoutMs: 500'),
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          file: GATEWAY,
          line: 4,
          column: 21,
          path: 'gateway.redis.commandTimeoutMs',
          message: 'expected at most a tenth of server.requestTimeoutMs (2000 ms), so a slow Redis never spends a request\'s budget: at most 200; got 500',
        },
      ],
    },
    {
      name: 'bad numbers, a flag that is not one, a prefix with a space',
      text: yaml('redis:', '  url: rediss://redis:6380/2', '  replicas: 0', '  tls: "yes"', '  staleIfErrorMs: -1', '  keyPrefix: "my app:"'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', file: GATEWAY, line: 3, column: 13, path: 'gateway.redis.replicas', message: 'expected a positive integer; got 0' },
        { code: 'CONFIG_INVALID_VALUE', file: GATEWAY, line: 4, column: 8, path: 'gateway.redis.tls', message: 'expected true or false; got "yes"' },
        { code: 'CONFIG_INVALID_VALUE', file: GATEWAY, line: 5, column: 19, path: 'gateway.redis.staleIfErrorMs', message: 'expected an integer from 0 to 2147483647; got -1' },
        { code: 'CONFIG_INVALID_VALUE', file: GATEWAY, line: 6, column: 14, path: 'gateway.redis.keyPrefix', message: 'expected a key prefix of at most 64 printable characters without spaces, such as "tessera:"; got "my app:"' },
      ],
    },
  ])('$name', ({ text, errors }) => {
    expect(check(text).errors).toEqual(errors);
  });

  test('a good section, its URL from the environment; absent values take the defaults', () => {
    const { config, errors } = check(yaml('redis:', '  url: ${REDIS_URL}', '  replicas: 3', '  staleIfErrorMs: 0'), { REDIS_URL: 'redis://redis.tessera.svc:6379' });
    expect(errors).toEqual([]);
    expect(config.gateway.redis).toEqual({ url: 'redis://redis.tessera.svc:6379', replicas: 3, staleIfErrorMs: 0 });
    expect(resolveRedisSettings(config.gateway.redis!)).toEqual({ ...REDIS_DEFAULTS, url: 'redis://redis.tessera.svc:6379', tls: false, replicas: 3, staleIfErrorMs: 0 });
  });

  test('no redis: section, nothing shared', () => {
    expect(check(yaml('server: { maxInFlight: 10 }')).config.gateway.redis).toBeUndefined();
  });
});
