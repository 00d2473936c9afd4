/**
 * `npm run bench:replicas [-- --duration=3 --connections=20 --keys=500 --ttl=1000 --rate=100]`:
 * what replicas gain by sharing Redis. Three setups in one run, each under the same load: one
 * gateway process; two replicas without Redis (each its own cache and its own limits); two
 * replicas sharing one redis-server. Each setup serves two phases with autocannon spread over
 * its replicas (one autocannon per replica, at once):
 * - cache: `--keys` distinct ids of a `cache: { ttlMs: --ttl }` operation, sent in turn; the hit
 *   rate is 1 - upstream calls (counted by the upstream itself) / requests sent, after a warm-up
 *   on ids of its own;
 * - quota: one caller limited to `--rate` requests per second (burst: one second's worth),
 *   flooded; allowed = 200 answers, set against the most the limit allows in the phase
 *   (burst + rate × duration).
 * Prints one table. Everything runs on 127.0.0.1 (redis-server on a free port, killed by PID at
 * the end) and stops by itself; the default run takes about half a minute.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { runLoad } from './lib/load.ts';
import { positiveNumber, readFlags } from './lib/args.ts';
import { startRedisServer } from './lib/redis-server.ts';
import { callersYaml } from '../test/support/callers.ts';
import { startReplica, type Replica } from '../test/support/replica.ts';

const flag = readFlags({
  duration: 'seconds per phase (default 3)',
  connections: 'autocannon connections per replica (default 20)',
  keys: 'distinct ids in the cache phase (default 500)',
  ttl: 'the cached operation\'s ttlMs (default 1000)',
  rate: 'the limited caller\'s requestsPerSecond (default 100)',
  delay: 'upstream answer delay in ms (default 5)',
});
const duration = positiveNumber('duration', flag('duration', '3'));
const connections = positiveNumber('connections', flag('connections', '20'));
const keys = positiveNumber('keys', flag('keys', '500'));
const ttlMs = positiveNumber('ttl', flag('ttl', '1000'));
const rate = positiveNumber('rate', flag('rate', '100'));
const delayMs = positiveNumber('delay', flag('delay', '5'));

const SCHEMA = `type Query { item(id: ID!): Item @source(connector: "items", operation: "getItem", params: { id: "{args.id}" }) }
type Item { id: ID! name: String }
`;
const ITEMS_YAML = `baseUrl: \${ITEMS_URL}
operations:
  getItem:
    path: /items/{id}
    params: { id: ID! }
    cache: { ttlMs: ${ttlMs} }
`;
const gatewayYaml = (redisUrl: string | undefined, replicas: number) => `reload: { watch: false }
server: { maxInFlight: 100000 }
rateLimits:
  callers:
    quota: { requestsPerSecond: ${rate} }
${redisUrl ? `redis:\n  url: ${redisUrl}\n  replicas: ${replicas}\n` : ''}`;

// The upstream: answers every id after `--delay` ms and counts its calls.
let upstreamCalls = 0;
const upstream = createServer((req, res) => {
  upstreamCalls += 1;
  const id = decodeURIComponent((req.url ?? '/').split('/').pop()!);
  setTimeout(() => {
    const body = JSON.stringify({ id, name: `item ${id}` });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }, delayMs);
});
upstream.listen(0, '127.0.0.1');
await once(upstream, 'listening');
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

const redis = await startRedisServer();
const configRoot = await mkdtemp(path.join(tmpdir(), 'tessera-replicas-'));

async function configDir(name: string, redisUrl: string | undefined, replicas: number): Promise<string> {
  const dir = path.join(configRoot, name);
  await mkdir(path.join(dir, 'schemas'), { recursive: true });
  await mkdir(path.join(dir, 'connectors'), { recursive: true });
  await writeFile(path.join(dir, 'schemas', 's.graphql'), SCHEMA);
  await writeFile(path.join(dir, 'connectors', 'items.yaml'), ITEMS_YAML);
  await writeFile(path.join(dir, 'gateway.yaml'), gatewayYaml(redisUrl, replicas));
  await writeFile(path.join(dir, 'callers.yaml'), callersYaml({ mode: 'required', callers: { bench: ['bench-key'], quota: ['quota-key'] } }));
  return dir;
}

/** One phase: one autocannon per replica, all at once; the answers and 200s summed. */
async function phase(replicas: readonly Replica[], apiKey: string, requests: { path: string; body: string }[], seconds = duration): Promise<{ sent: number; ok: number; rps: number }> {
  const results = await Promise.all(
    replicas.map((replica, i) =>
      // Each replica starts at another place in the ids, as a load balancer would spread them.
      runLoad({ url: replica.url, method: 'POST', body: requests[0]!.body, requests: [...requests.slice(i * 7), ...requests.slice(0, i * 7)], connections, duration: seconds, headers: { 'x-api-key': apiKey } }),
    ),
  );
  const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((total, r) => total + pick(r), 0);
  return { sent: sum((r) => r.sent), ok: sum((r) => r.requests - r.non2xx - r.errors), rps: sum((r) => r.rps) };
}

const itemRequests = Array.from({ length: keys }, (_, i) => ({ path: '/graphql', body: JSON.stringify({ query: `{ item(id: "${i}") { id name } }` }) }));
// Ids of their own, so the warm-up (JIT, connection pools) leaves the measured ids uncached.
const warmRequests = Array.from({ length: 100 }, (_, i) => ({ path: '/graphql', body: JSON.stringify({ query: `{ item(id: "warm-${i}") { id name } }` }) }));
const quotaRequests = [{ path: '/graphql', body: JSON.stringify({ query: '{ item(id: "0") { id } }' }) }];
const setups = [
  { name: '1 process', replicas: 1, redis: false },
  { name: '2 replicas, no Redis', replicas: 2, redis: false },
  { name: '2 replicas + Redis', replicas: 2, redis: true },
];
const rows: { name: string; rps: number; calls: number; hitRate: number; allowed: number; limit: number }[] = [];
try {
  for (const setup of setups) {
    const dir = await configDir(setup.name.replace(/\W+/g, '-'), setup.redis ? redis.url : undefined, setup.replicas);
    const env = { ITEMS_URL: upstreamUrl };
    const replicas = await Promise.all(Array.from({ length: setup.replicas }, () => startReplica(dir, env, { keepLogs: false })));
    try {
      if (setup.redis) {
        for (const replica of replicas) {
          for (let i = 0; i < 300 && (await replica.readyz()).body.redis?.state !== 'up'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      await phase(replicas, 'bench-key', warmRequests, 1);
      upstreamCalls = 0;
      const cache = await phase(replicas, 'bench-key', itemRequests);
      // Requests still in flight when a run stops were sent and served too: their calls count against what was sent.
      const hitRate = 1 - upstreamCalls / cache.sent;
      const quota = await phase(replicas, 'quota-key', quotaRequests);
      rows.push({ name: setup.name, rps: cache.rps, calls: upstreamCalls, hitRate, allowed: quota.ok, limit: Math.round(rate + rate * duration) });
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  }
} finally {
  await redis.kill();
  upstream.close();
  await rm(configRoot, { recursive: true, force: true });
}

console.log(`node ${process.version}; ${duration} s per phase, ${connections} connections per replica; cache: ${keys} ids, ttlMs ${ttlMs}, upstream delay ${delayMs} ms; quota: ${rate}/s`);
console.log('| setup | cache phase RPS | upstream calls | cache hit rate | quota: allowed | quota: most the limit allows | allowed / limit |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.name} | ${Math.round(row.rps)} | ${row.calls} | ${(row.hitRate * 100).toFixed(1)} % | ${row.allowed} | ${row.limit} | ${(row.allowed / row.limit).toFixed(2)} |`);
}
