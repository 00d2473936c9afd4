/**
 * The cost of one upstream call, in CPU µs of this process: the bare HTTP transport against a
 * loopback upstream in a child process, the same call through the connector's whole resilience
 * pipeline (cache, retry, bulkhead, breaker, deadline), and the whole executor with the pipeline
 * over in-memory upstreams (demo-executor.ts alone skips the pipeline). Many calls stay in flight
 * at once, as under load, so promise hops, timers and GC show as they would in the gateway.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { validateConfig } from '../../src/index.ts';
import { Executor } from '../../src/execute/index.ts';
import { createConnectorPipeline } from '../../src/resilience/index.ts';
import { createHttpTransport } from '../../src/transports/http/http-transport.ts';
import type { SendFn, UpstreamRequest } from '../../src/transports/transport.ts';
import type { PreparedDocument } from '../../src/plan/index.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { REPO_ROOT } from './demo-executor.ts';
import { inMemoryDemoTransport } from './in-memory-upstreams.ts';

const CALLS = Number(process.env.BENCH_MICRO_CALLS ?? 20_000);
const IN_FLIGHT = 32;

/** CPU µs this process spends per call, `IN_FLIGHT` calls at a time (after a warm-up of a fifth). */
async function cpuPerCall(call: () => Promise<unknown>): Promise<{ cpuUs: number; wallUs: number }> {
  const run = async (n: number) => {
    let started = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (started++ < n) await call();
    }));
  };
  await run(CALLS / 5);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(CALLS);
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / CALLS, wallUs: ((performance.now() - t0) * 1000) / CALLS };
}

const report = await validateConfig({ configDir: REPO_ROOT, env: {} });
if (!report.blueprint) throw new Error(report.text);
const blueprint = report.blueprint;
const rows: [string, { cpuUs: number; wallUs: number }][] = [];

// 1. One real HTTP call, bare and through the pipeline.
const upstream = fork(new URL('./loopback-upstream.ts', import.meta.url));
const port = await new Promise<number>((resolve) => upstream.once('message', (m) => resolve(m as number)));
const crm = blueprint.connectors.find((c) => c.name === 'crm')!;
const op = [...blueprint.operations.values()].find((o) => o.connector === 'crm')!;
const request: UpstreamRequest = {
  connector: 'crm',
  operation: op.name,
  method: 'GET',
  origin: `http://127.0.0.1:${port}`,
  path: '/customers/1',
  headers: { 'x-request-id': 'bench' },
  body: undefined,
  timeoutMs: op.timeoutMs,
  policy: op.policy,
};
const http = createHttpTransport();
const pipeline = createConnectorPipeline(crm, http, () => undefined);
const deadline = () => ({ deadlineAt: performance.now() + 10_000, observer: { retries: 0, cacheHits: 0 } });
// Two rounds, the first only to warm undici up: its JIT would otherwise bill the first row.
for (let round = 0; round < 2; round++) {
  const bare = await cpuPerCall(() => http.send(request, deadline()));
  const piped = await cpuPerCall(() => pipeline.send(request, deadline()));
  if (round === 1) rows.push(['HTTP transport, one call', bare], ['HTTP call through the resilience pipeline', piped]);
}
pipeline.close();
await http.close();
upstream.kill();

// 2. Whole executor, every call through its connector's pipeline, upstreams in memory.
const memory = inMemoryDemoTransport();
const pipelines = new Map<string, SendFn>(blueprint.connectors.map((c) => [c.name, createConnectorPipeline(c, memory, () => undefined).send]));
// Each request batches alone: these rows price one request's work, which `npm run bench` then
// compares with requests sharing their calls (the gateway and gateway-solo rows).
const executor = new Executor({ blueprint, sendFor: (connector) => pipelines.get(connector)!, logger: pino({ level: 'silent' }), batchAcrossRequests: false });
for (const scenario of SCENARIOS) {
  const prepared = executor.planCache.prepareText(scenario.query) as PreparedDocument;
  rows.push([
    `${scenario.name}: whole executor, pipeline, in-memory upstreams`,
    await cpuPerCall(() =>
      executor.execute({ prepared, operationName: undefined, variables: scenario.variants[0]!.variables, requestId: 'bench', explain: false, deadlineAt: performance.now() + 10_000 }),
    ),
  ]);
}

console.log(`\nUpstream call cost, ${IN_FLIGHT} in flight, ${CALLS} calls (Node ${process.version})`);
console.log('| operation | CPU µs/call | wall µs/call |');
console.log('|---|---:|---:|');
for (const [name, r] of rows) console.log(`| ${name} | ${r.cpuUs.toFixed(1)} | ${r.wallUs.toFixed(1)} |`);
process.exit(0);
