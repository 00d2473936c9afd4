import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

// Without `redis:` nothing of scale-out is built: readiness and metrics say nothing of Redis,
// and the cache and limits are the in-process ones (a second gateway calls the upstream again).

const ITEMS_YAML = `
baseUrl: \${ITEMS_URL}
operations:
  getItem:
    path: /items/{id}
    params: { id: ID! }
    cache: { ttlMs: 600000 }
`;
const SCHEMA = 'type Query { item(id: ID!): Item @source(connector: "items", operation: "getItem", params: { id: "{args.id}" }) }\ntype Item { id: ID! name: String }\n';

let upstream: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
let gateways: TestGateway[];

beforeAll(async () => {
  upstream = await startFakeUpstream((call, res) => json(res, 200, { id: call.url.pathname.split('/').pop(), name: 'n' }));
  config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'items.yaml': ITEMS_YAML } });
  await writeFile(path.join(config.dir, 'gateway.yaml'), 'metrics: { enabled: true }\n');
  gateways = await Promise.all([0, 1].map(() => startGateway({ configDir: config.dir, env: { ITEMS_URL: upstream.url } })));
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await upstream.close();
  await config.remove();
});

test('without redis: every cache is in-process, and neither /readyz nor /metrics mentions Redis', async () => {
  for (const gw of gateways) expect((await gw.query('{ item(id: "1") { id } }')).body).toEqual({ data: { item: { id: '1' } } });
  expect(upstream.calls).toHaveLength(2);
  const readyz = (await (await fetch(`${gateways[0]!.url}/readyz`)).json()) as Record<string, unknown>;
  expect(readyz.status).toBe('ready');
  expect('redis' in readyz).toBe(false);
  const metrics = await (await fetch(`${gateways[0]!.url}/metrics`)).text();
  expect(metrics).toContain('tessera_upstream_cache_misses_total');
  expect(metrics).not.toMatch(/tessera_redis_|tessera_shared_cache_|tessera_rate_limit_decisions/);
});
