import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import type { ConnectorConfig } from '../../src/config/index.ts';
import { resolveCallPolicy, resolveConnectorPolicy, RESILIENCE_DEFAULTS } from '../../src/resilience/index.ts';

const FILE = 'connectors/crm.yaml';
const GATEWAY = 'gateway.yaml';
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const connector = (...lines: string[]) => yaml('baseUrl: http://127.0.0.1:4101', ...lines, 'operations:', '  get:', '    path: /x');

function errorsOf(sources: { connector?: string; gateway?: string }) {
  const { errors } = checkConfigSources(
    {
      connectorFiles: sources.connector === undefined ? [] : [{ file: FILE, text: sources.connector }],
      schemaFiles: [],
      gatewayFile: sources.gateway === undefined ? undefined : { file: GATEWAY, text: sources.gateway },
    },
    {},
  );
  return errors.map((e) => ({ code: e.code, file: e.source?.file, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message }));
}

describe('resilience settings: every bad value with its position', () => {
  test.for([
    {
      name: 'negative connect timeout',
      connector: connector('connectTimeoutMs: -5'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', file: FILE, line: 2, column: 19, path: 'connectors.crm.connectTimeoutMs', message: 'expected a positive integer; got -5' }],
    },
    {
      name: 'misspelt retry key, with a suggestion',
      connector: connector('retry:', '  maxRetry: 3'),
      errors: [
        {
          code: 'CONFIG_UNKNOWN_KEY',
          file: FILE,
          line: 3,
          column: 3,
          path: 'connectors.crm.retry.maxRetry',
          message: 'expected one of the keys maxRetries, baseDelayMs, maxDelayMs, budgetPercent, minRetriesPerWindow, budgetWindowMs; got "maxRetry". Did you mean "maxRetries"?',
        },
      ],
    },
    {
      name: 'too many retries and a budget over 100 %',
      connector: connector('retry: { maxRetries: 50, budgetPercent: 120 }'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', file: FILE, line: 2, column: 22, path: 'connectors.crm.retry.maxRetries', message: 'expected an integer from 0 to 10; got 50' },
        { code: 'CONFIG_INVALID_VALUE', file: FILE, line: 2, column: 41, path: 'connectors.crm.retry.budgetPercent', message: 'expected an integer from 0 to 100; got 120' },
      ],
    },
    {
      name: 'breaker enabled as a string',
      connector: connector('circuitBreaker: { enabled: "yes" }'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', file: FILE, line: 2, column: 28, path: 'connectors.crm.circuitBreaker.enabled', message: 'expected true or false; got "yes"' }],
    },
    {
      name: 'concurrency as a number',
      connector: connector('concurrency: 10'),
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          file: FILE,
          line: 2,
          column: 14,
          path: 'connectors.crm.concurrency',
          message: 'expected a mapping with any of the keys maxConcurrent, maxQueue; got 10',
        },
      ],
    },
    {
      name: 'operation cache without ttlMs',
      connector: yaml('baseUrl: http://127.0.0.1:4101', 'operations:', '  get:', '    path: /x', '    cache: {}'),
      errors: [{ code: 'CONFIG_MISSING_KEY', file: FILE, line: 5, column: 5, path: 'connectors.crm.operations.get.cache.ttlMs', message: 'expected key "ttlMs" (how long an answer stays cached, in ms); it is missing' }],
    },
    {
      name: 'gateway.yaml: unknown server key and a rate limit without its rate',
      gateway: yaml('server:', '  maxInflight: 10', 'rateLimits:', '  callers:', '    reports: { burst: 5 }'),
      errors: [
        {
          code: 'CONFIG_UNKNOWN_KEY',
          file: GATEWAY,
          line: 2,
          column: 3,
          path: 'gateway.server.maxInflight',
          message: 'expected one of the keys requestTimeoutMs, maxInFlight, maxEventLoopDelayMs, shutdownGraceMs, maxBodyBytes, headersTimeoutMs, bodyTimeoutMs, maxConnections; got "maxInflight". Did you mean "maxInFlight"?',
        },
        {
          code: 'CONFIG_MISSING_KEY',
          file: GATEWAY,
          line: 5,
          column: 5,
          path: 'gateway.rateLimits.callers.reports.requestsPerSecond',
          message: 'expected key "requestsPerSecond" (the sustained rate, a positive integer); it is missing',
        },
      ],
    },
    {
      name: 'gateway.yaml: batching with a bad flag, a threshold out of range and an unknown key',
      gateway: yaml('batching:', '  acrossRequests: "no"', '  busyAbove: 1.5', '  window: 10'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', file: GATEWAY, line: 2, column: 19, path: 'gateway.batching.acrossRequests', message: 'expected true or false; got "no"' },
        {
          code: 'CONFIG_INVALID_VALUE',
          file: GATEWAY,
          line: 3,
          column: 14,
          path: 'gateway.batching.busyAbove',
          message: "expected the event loop's utilisation, a number from 0 to 1 (0.5 = half busy); got 1.5",
        },
        { code: 'CONFIG_UNKNOWN_KEY', file: GATEWAY, line: 4, column: 3, path: 'gateway.batching.window', message: 'expected one of the keys acrossRequests, busyAbove; got "window"' },
      ],
    },
    {
      name: 'gateway.yaml: a caller id the header could never carry',
      gateway: yaml('rateLimits:', '  callers:', '    "bad id": { requestsPerSecond: 5 }'),
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          file: GATEWAY,
          line: 3,
          column: 5,
          path: 'gateway.rateLimits.callers.bad id',
          message: 'expected a caller id of 1 to 128 letters, digits, ".", "_", ":" or "-"; got "bad id"',
        },
      ],
    },
  ])('$name', (c) => {
    expect(errorsOf(c)).toEqual(c.errors);
  });
});

describe('resilience policies: defaults, connector settings, operation overrides', () => {
  const text = yaml(
    'baseUrl: http://127.0.0.1:4101',
    'connectTimeoutMs: 800',
    'retry: { maxRetries: 1, budgetPercent: 10 }',
    'circuitBreaker: { minRequests: 5 }',
    'concurrency: { maxConcurrent: 16 }',
    'operations:',
    '  get:',
    '    path: /x',
    '  search:',
    '    method: POST',
    '    path: /s',
    '  upsert:',
    '    method: PUT',
    '    path: /u',
    '    idempotent: true',
    '    connectTimeoutMs: 200',
    '    retry: { maxRetries: 3 }',
    '    cache: { ttlMs: 5000 }',
  );
  const { config, errors } = checkConfigSources({ connectorFiles: [{ file: FILE, text }], schemaFiles: [] }, {});
  const crm = config.connectors[0] as ConnectorConfig;

  test('connector policy', () => {
    expect(errors).toEqual([]);
    expect(resolveConnectorPolicy(crm)).toEqual({
      name: 'crm',
      retryBudget: { ...RESILIENCE_DEFAULTS.retryBudget, percent: 10 },
      circuitBreaker: { ...RESILIENCE_DEFAULTS.circuitBreaker, minRequests: 5 },
      concurrency: { maxConcurrent: 16, maxQueue: RESILIENCE_DEFAULTS.concurrency.maxQueue },
      cache: RESILIENCE_DEFAULTS.cache,
    });
  });

  test.for([
    // An idempotent read without a cache shares identical calls in flight by default.
    { op: 'get', policy: { connectTimeoutMs: 800, idempotent: true, retry: { ...RESILIENCE_DEFAULTS.retry, maxRetries: 1 }, cacheTtlMs: undefined, coalesce: true } },
    { op: 'search', policy: { connectTimeoutMs: 800, idempotent: false, retry: { ...RESILIENCE_DEFAULTS.retry, maxRetries: 1 }, cacheTtlMs: undefined } },
    // Idempotent but cached: the cache shares in-flight calls itself.
    { op: 'upsert', policy: { connectTimeoutMs: 200, idempotent: true, retry: { ...RESILIENCE_DEFAULTS.retry, maxRetries: 3 }, cacheTtlMs: 5000 } },
  ])('operation $op', (c) => {
    expect(resolveCallPolicy(crm, crm.operations[c.op]!, [])).toEqual({ ...c.policy, cacheKeyHeaders: [] });
  });
});
