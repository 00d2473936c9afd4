/**
 * Scale of config: a generated schema of 2,000 fields over 50 connectors. Times loading,
 * validating and serving the first request (target ≤ 1 s), planning a new 200-field operation
 * (≤ 5 ms) and looking up its cached plan (≤ 20 µs).
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createGateway } from '../../src/index.ts';
import { PlanCache, type PreparedDocument } from '../../src/plan/index.ts';
import { measure, printTable, type MicroResult } from './harness.ts';

const CONNECTORS = 50;
const FIELDS_PER_TYPE = 40; // 50 × 40 = 2,000 fields

// One generic upstream for every connector: `/items?ids=a,b` → items with every field filled.
const upstream = createServer((req, res) => {
  const ids = new URL(req.url ?? '/', 'http://x').searchParams.get('ids')?.split(',') ?? [];
  const items = ids.map((id) => {
    const item: Record<string, string> = { id };
    for (let f = 1; f < FIELDS_PER_TYPE; f++) item[`f${f}`] = `${id}-${f}`;
    return item;
  });
  const text = JSON.stringify({ items });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
});
upstream.listen(0, '127.0.0.1');
await once(upstream, 'listening');
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

const dir = await mkdtemp(path.join(tmpdir(), 'tessera-scale-'));
await mkdir(path.join(dir, 'schemas'));
await mkdir(path.join(dir, 'connectors'));
const rootFields: string[] = [];
const types: string[] = [];
for (let c = 1; c <= CONNECTORS; c++) {
  await writeFile(
    path.join(dir, 'connectors', `c${c}.yaml`),
    `name: c${c}\ntransport: http\nbaseUrl: ${upstreamUrl}\ntimeoutMs: 2000\noperations:\n  getMany:\n    method: GET\n    path: /items\n    query:\n      ids: "{keys}"\n    batch:\n      maxSize: 100\n      keyField: id\n      many: false\n      keyStyle: comma\n    result: items\n`,
  );
  rootFields.push(`  e${c}(id: ID!): E${c} @source(connector: "c${c}", operation: "getMany", key: "{args.id}")`);
  const fields = ['  id: ID!'];
  for (let f = 1; f < FIELDS_PER_TYPE; f++) fields.push(`  f${f}: String`);
  types.push(`type E${c} {\n${fields.join('\n')}\n}`);
}
await writeFile(path.join(dir, 'schemas', 'generated.graphql'), `type Query {\n${rootFields.join('\n')}\n}\n\n${types.join('\n\n')}\n`);

// A 200-field operation: 5 entities × 40 fields.
const selection = (c: number) => `e${c}(id: "7") { id ${Array.from({ length: FIELDS_PER_TYPE - 1 }, (_, f) => `f${f + 1}`).join(' ')} }`;
const query200 = `query Wide { ${[1, 11, 21, 31, 41].map(selection).join(' ')} }`;

const started = performance.now();
const gateway = await createGateway({ configDir: dir, env: {}, logger: pino({ level: 'silent' }) });
const { url } = await gateway.listen({ port: 0 });
const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: query200 }) });
const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
const coldStartMs = performance.now() - started;
if (response.status !== 200 || body.errors || Object.keys(body.data ?? {}).length !== 5) throw new Error(`first request failed: ${JSON.stringify(body).slice(0, 300)}`);

const blueprint = gateway.blueprint;
const results: MicroResult[] = [
  { name: 'load 2,000 fields / 50 connectors, validate, serve 1st request', opsPerSec: 1000 / coldStartMs, meanUs: coldStartMs * 1000, p99Us: coldStartMs * 1000, targetUs: 1_000_000 },
  measure(
    'plan a new 200-field operation (parse, validate, plan)',
    () => {
      const cache = new PlanCache(blueprint);
      const prepared = cache.prepareText(query200) as PreparedDocument;
      cache.plan(prepared, cache.selectOperation(prepared, undefined) as never, {});
    },
    { targetUs: 5_000 },
  ),
];
const cache = new PlanCache(blueprint);
results.push(
  measure(
    'cached plan lookup, 200-field operation',
    () => {
      const prepared = cache.prepareText(query200) as PreparedDocument;
      cache.plan(prepared, cache.selectOperation(prepared, undefined) as never, {});
    },
    { targetUs: 20 },
  ),
);
printTable('Scale of config: 2,000 fields over 50 connectors', results);

await gateway.close();
upstream.close();
await rm(dir, { recursive: true, force: true });
