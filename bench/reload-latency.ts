/**
 * `node bench/reload-latency.ts`: time from saving a schema edit to serving the new field, over
 * 20 hot reloads of a watched config folder (default debounce), with a light load loop running.
 * Prints the median and the maximum. Everything runs on 127.0.0.1 and stops by itself.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { createGateway } from '../src/index.ts';
import { createLogger } from '../src/observability/index.ts';

const schema = (extra: string) => `
type Query { users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}") }
type User { id: ID! name: String ${extra} }
`;
const upstream = createServer((req, res) => {
  const ids = new URL(req.url ?? '/', 'http://x').searchParams.get('ids')?.split(',') ?? [];
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ items: ids.map((id) => ({ id, name: `user ${id}`, email: `${id}@example.com` })) }));
});
upstream.listen(0, '127.0.0.1');
await once(upstream, 'listening');
const dir = await mkdtemp(path.join(tmpdir(), 'tessera-reload-'));
await mkdir(path.join(dir, 'schemas'));
await mkdir(path.join(dir, 'connectors'));
await writeFile(path.join(dir, 'schemas', 's.graphql'), schema(''));
await writeFile(
  path.join(dir, 'connectors', 'accounts.yaml'),
  'baseUrl: ${ACCOUNTS_URL}\noperations:\n  getUsers:\n    path: /users\n    query: { ids: "{keys}" }\n    batch: { maxSize: 50, keyField: id }\n    result: items\n',
);
const gateway = await createGateway({ configDir: dir, env: { ACCOUNTS_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }, watch: true, logger: createLogger({ level: 'warn' }) });
const { url } = await gateway.listen({ port: 0 });
const ask = async (query: string) => {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await response.json()) as { errors?: unknown[] };
};
let stop = false;
let failed = 0;
let sent = 0;
const loop = (async () => {
  while (!stop) {
    sent += 1;
    if ((await ask('{ users(ids: ["1"]) { id name } }')).errors) failed += 1;
  }
})();
const times: number[] = [];
for (let i = 1; i <= 20; i++) {
  const savedAt = performance.now();
  await writeFile(path.join(dir, 'schemas', 's.graphql'), schema(`f${i}: String @map(from: "email")`));
  for (let tries = 0; (await ask(`{ users(ids: ["1"]) { f${i} } }`)).errors; tries++) {
    if (tries > 1000) throw new Error(`f${i} was never served`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  times.push(performance.now() - savedAt);
}
stop = true;
await loop;
times.sort((a, b) => a - b);
console.log(`save → serving the new field, 20 reloads (debounce 200 ms): median ${times[10]!.toFixed(0)} ms, max ${times[19]!.toFixed(0)} ms; ${sent} requests meanwhile, ${failed} failed`);
await gateway.close();
upstream.close();
await rm(dir, { recursive: true, force: true });
