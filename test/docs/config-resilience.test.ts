import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { RESILIENCE_DEFAULTS } from '../../src/resilience/index.ts';
import { SERVER_DEFAULTS } from '../../src/server/index.ts';
import { readDoc } from '../support/markdown.ts';

/** docs/config.md's resilience and gateway.yaml sections: their examples load, their defaults are the code's. */
const CONFIG_DOC = readDoc('docs/config.md');

/** The ```yaml block that starts with `firstLine`. */
function yamlBlock(firstLine: string): string {
  const start = CONFIG_DOC.indexOf(`\`\`\`yaml\n${firstLine}`);
  expect(start).toBeGreaterThan(-1);
  const body = CONFIG_DOC.slice(start + '```yaml\n'.length);
  return body.slice(0, body.indexOf('```'));
}

/** The Default column of a settings table row, by setting name. */
function documentedDefault(name: string): string {
  const row = CONFIG_DOC.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
  expect(row, `docs/config.md has a row for ${name}`).toBeDefined();
  return row!.split('|')[2]!.trim().replace(/`/g, '');
}

describe('docs/config.md resilience and gateway settings', () => {
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
