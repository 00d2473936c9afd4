/**
 * `npm run bench:heap -- [--sets="A;B;…"] [--scenarios=profile,panel,wide] [--duration=6] [--rounds=3]`:
 * the gateway under the same load with different V8 heap flags, side by side in one run, to
 * show what each costs in memory and buys in speed. Each set of flags is one gateway process
 * (pinned to the server core, as in `npm run bench`); every scenario's varied requests are sent
 * to each in turn, slice by slice, so that the host's drifting speed falls on all of them alike.
 * A process serves every scenario one after the other, as a long-running gateway does, so its
 * peak RSS is what the whole run made it hold. Prints one table; writes it as JSON to
 * bench/results/. Everything runs on 127.0.0.1 and stops by itself.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { positiveNumber, readFlags } from './lib/args.ts';
import { planCpus } from './lib/cpu-pinning.ts';
import { summarize, runSlice, type LoadSlice } from './lib/load.ts';
import { spawnServer, type ServerChild } from './lib/spawn-server.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { requestBody } from './scenarios/scenario.ts';

const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results');
/**
 * The young generation's curve (each semi-space size with the shipped pretenuring flag), then the
 * shipped semi-space with a capped old-generation growth (V8 grows the old generation to ~4× what
 * survived the last full collection before it collects again; 100 % is 2×).
 */
const DEFAULT_SETS = [
  ...[2, 4, 8, 16, 32].map((mb) => `--max-semi-space-size=${mb} --no-allocation-site-pretenuring`),
  '--max-semi-space-size=16 --no-allocation-site-pretenuring --heap-growing-percent=100',
].join(';');
const API_KEY = 'bench-load-key';

const flag = readFlags({
  sets: `flag sets separated by ";", each one gateway (default: ${DEFAULT_SETS})`,
  scenarios: 'comma-separated scenarios, varied requests (default profile,panel,wide)',
  duration: 'seconds measured per row (default 6)',
  warmup: 'seconds of warm-up per row, not measured (default 2)',
  rounds: 'slices each row is measured in, taken in turn across the gateways (default 3)',
  connections: 'autocannon connections (default 50)',
});
const sets = flag('sets', DEFAULT_SETS).split(';').map((set) => set.trim().split(/\s+/).filter(Boolean));
const scenarios = flag('scenarios', 'profile,panel,wide').split(',').map((name) => {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`Unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}.`);
  return scenario;
});
const duration = positiveNumber('duration', flag('duration', '6'));
const warmup = positiveNumber('warmup', flag('warmup', '2'));
const rounds = Math.max(1, Math.round(positiveNumber('rounds', flag('rounds', '3'))));
const connections = Math.max(1, Math.round(positiveNumber('connections', flag('connections', '50'))));

interface HeapRow {
  scenario: string;
  flags: string;
  rps: number;
  p99: number;
  errors: number;
  peakRssMb: number;
  cpuMicrosPerRequest: number;
  gcMicrosPerRequest: number;
}

const cpus = planCpus();
cpus.move(process.pid, cpus.loadCpu);
const upstreams = await spawnServer({ role: 'upstreams', pin: cpus.prefix(cpus.loadCpu), settings: { delayMs: 0 } });
const gateways: ServerChild[] = [];
const rows: HeapRow[] = [];
try {
  for (const nodeFlags of sets) {
    gateways.push(await spawnServer({ role: 'gateway', pin: cpus.prefix(cpus.serverCpu), settings: { urls: upstreams.urls, apiKey: API_KEY }, nodeFlags }));
  }
  for (const scenario of scenarios) {
    const requests = scenario.variants.map((variant) => ({ path: '/graphql', body: requestBody(scenario, variant) }));
    const loadFor = (gateway: ServerChild) => ({ url: `${gateway.url}/graphql`, method: 'POST' as const, body: requests[0]!.body, requests, connections, headers: { 'x-api-key': API_KEY } });
    const measured = gateways.map(() => ({ slices: [] as LoadSlice[], cpuMicros: 0, gcMicros: 0, peakRss: 0 }));
    for (const gateway of gateways) if (warmup > 0) await runSlice({ ...loadFor(gateway), duration: warmup });
    for (let round = 0; round < rounds; round++) {
      for (let turn = 0; turn < gateways.length; turn++) {
        const index = (round + turn) % gateways.length;
        const gateway = gateways[index]!;
        const m = measured[index]!;
        await gateway.reset();
        m.slices.push(await runSlice({ ...loadFor(gateway), duration: duration / rounds }));
        const sample = await gateway.sample();
        m.cpuMicros += sample.cpuMicros;
        m.gcMicros += sample.gcMicros;
        m.peakRss = Math.max(m.peakRss, sample.peakRss);
      }
    }
    gateways.forEach((gateway, i) => {
      const m = measured[i]!;
      const result = summarize(m.slices, loadFor(gateway));
      const row: HeapRow = {
        scenario: scenario.name,
        flags: sets[i]!.join(' ') || "(Node's defaults)",
        rps: Math.round(result.rps),
        p99: result.p99,
        errors: result.errors + result.non2xx,
        peakRssMb: Math.round(m.peakRss / 1e6),
        cpuMicrosPerRequest: Math.round(m.cpuMicros / Math.max(1, result.sent)),
        gcMicrosPerRequest: Math.round(m.gcMicros / Math.max(1, result.sent)),
      };
      rows.push(row);
      console.log(`${row.scenario} ${row.flags}: ${row.rps} RPS, peak RSS ${row.peakRssMb} MB, ${row.cpuMicrosPerRequest} CPU µs/req, ${row.gcMicrosPerRequest} GC µs/req`);
    });
  }
} finally {
  await Promise.all(gateways.map((g) => g.close()));
  await upstreams.close();
}

const header = '| scenario | gateway node flags | RPS | p99 ms | errors | peak RSS MB | CPU µs/req | GC µs/req |';
const lines = rows.map((r) => `| ${r.scenario} | \`${r.flags}\` | ${r.rps} | ${r.p99} | ${r.errors} | ${r.peakRssMb} | ${r.cpuMicrosPerRequest} | ${r.gcMicrosPerRequest} |`);
console.log(`\n${connections} connections, 0 ms upstreams, ${duration} s per row in ${rounds} slices taken in turn; ${cpus.available ? 'each gateway pinned to one core' : 'not pinned'}.`);
console.log([header, '|---|---|---:|---:|---:|---:|---:|---:|', ...lines].join('\n'));
await mkdir(RESULTS_DIR, { recursive: true });
const file = path.join(RESULTS_DIR, `heap-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
await writeFile(file, JSON.stringify({ node: process.version, connections, duration, rounds, rows }, null, 2));
console.log(`\nWrote ${path.relative(process.cwd(), file)}`);
