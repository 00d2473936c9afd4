import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { RESILIENCE_DEFAULTS } from '../../src/resilience/index.ts';
import { SERVER_DEFAULTS } from '../../src/server/index.ts';
import { REPO_ROOT } from '../support/gateway.ts';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The ```yaml block that starts with `firstLine`. */
function yamlBlock(firstLine: string): string {
  const start = README.indexOf(`\`\`\`yaml\n${firstLine}`);
  expect(start).toBeGreaterThan(-1);
  const body = README.slice(start + '```yaml\n'.length);
  return body.slice(0, body.indexOf('```'));
}

/** The Default column of a settings table row, by setting name. */
function documentedDefault(name: string): string {
  const row = README.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
  expect(row, `README has a row for ${name}`).toBeDefined();
  return row!.split('|')[2]!.trim().replace(/`/g, '');
}

describe('README resilience section', () => {
  test('the example connector and gateway.yaml are valid config', () => {
    const { errors, config } = checkConfigSources(
      {
        connectorFiles: [{ file: 'connectors/orders.yaml', text: yamlBlock('# connectors/orders.yaml') }],
        schemaFiles: [],
        gatewayFile: { file: 'gateway.yaml', text: yamlBlock('server:') },
      },
      { ORDERS_URL: 'http://127.0.0.1:4102' },
    );
    expect(errors).toEqual([]);
    expect(config.gateway.rateLimits.callers['nightly-export']).toEqual({ requestsPerSecond: 20, burst: 20 });
  });

  const d = RESILIENCE_DEFAULTS;
  test.for([
    ['connectTimeoutMs', d.connectTimeoutMs],
    ['retry.maxRetries', d.retry.maxRetries],
    ['retry.baseDelayMs', d.retry.baseDelayMs],
    ['retry.maxDelayMs', d.retry.maxDelayMs],
    ['retry.budgetPercent', d.retryBudget.percent],
    ['retry.minRetriesPerWindow', d.retryBudget.minRetriesPerWindow],
    ['retry.budgetWindowMs', d.retryBudget.windowMs],
    ['circuitBreaker.enabled', d.circuitBreaker.enabled],
    ['circuitBreaker.errorThresholdPercent', d.circuitBreaker.errorThresholdPercent],
    ['circuitBreaker.minRequests', d.circuitBreaker.minRequests],
    ['circuitBreaker.windowMs', d.circuitBreaker.windowMs],
    ['circuitBreaker.resetTimeoutMs', d.circuitBreaker.resetTimeoutMs],
    ['concurrency.maxConcurrent', d.concurrency.maxConcurrent],
    ['concurrency.maxQueue', d.concurrency.maxQueue],
    ['cache.maxEntries', d.cache.maxEntries],
    ['cache.maxBytes', d.cache.maxBytes],
    ['server.requestTimeoutMs', SERVER_DEFAULTS.requestTimeoutMs],
    ['server.maxInFlight', SERVER_DEFAULTS.maxInFlight],
    ['server.shutdownGraceMs', SERVER_DEFAULTS.shutdownGraceMs],
  ] as const)('the documented default of %s is the real one', ([name, value]) => {
    expect(documentedDefault(name)).toBe(String(value));
  });
});
