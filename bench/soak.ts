/**
 * `npm run bench:soak`: holds the gateway at ~70% of its saturated RPS and watches RSS and p99.
 *
 * Warms up, finds saturation with a short unthrottled run, then drives autocannon at 70% of it
 * in consecutive windows, sampling the gateway's RSS after each and its live heap (heap in use
 * right after a forced full GC: growth there is a leak, growth in RSS alone may be V8 keeping
 * freed pages). The first window is warm-up; the report compares it with the end of the run
 * (targets: RSS growth ≤ 10%, no rise in p99).
 *
 * Flags (or BENCH_* env): --duration=60 (s; the issue's soak is --duration=600) --window=10
 * --scenario=panel --connections=50 --rate=<req/s, default 70% of saturation> --delay=0
 */
import { positiveNumber, readFlags } from './lib/args.ts';
import { describeMachine, planCpus } from './lib/cpu-pinning.ts';
import { runLoad } from './lib/load.ts';
import { spawnServer } from './lib/spawn-server.ts';
import { gatewayNodeFlags } from './lib/gateway-node-flags.ts';
import { SCENARIOS, requestBody } from './scenarios/index.ts';

const flag = readFlags({
  duration: 'seconds to soak (default 60; the issue asks for 600)',
  window: 'seconds per reported window (default 10)',
  connections: 'autocannon connections (default 50)',
  delay: 'upstream delay in ms (default 0)',
  scenario: `one of ${SCENARIOS.map((s) => s.name).join(', ')} (default panel)`,
  rate: 'requests per second (default 70% of the measured saturation)',
});
const duration = positiveNumber('duration', flag('duration', '60'));
const windowSeconds = positiveNumber('window', flag('window', '10'));
const connections = positiveNumber('connections', flag('connections', '50'));
const delayMs = positiveNumber('delay', flag('delay', '0'));
const scenario = SCENARIOS.find((s) => s.name === flag('scenario', 'panel'));
if (!scenario) throw new Error(`Unknown scenario; known: ${SCENARIOS.map((s) => s.name).join(', ')}.`);

const machine = describeMachine();
const cpus = planCpus();
console.log(`Node ${machine.node} on ${machine.cpu} (${machine.cores} cores); ${cpus.available ? 'gateway pinned to core 0, load on core 1' : `not pinned: ${cpus.reason}`}.`);
cpus.move(process.pid, cpus.loadCpu);
const upstreams = await spawnServer({ role: 'upstreams', pin: cpus.prefix(cpus.loadCpu), settings: { delayMs } });
const gateway = await spawnServer({ role: 'gateway', pin: cpus.prefix(cpus.serverCpu), settings: { urls: upstreams.urls }, nodeFlags: [...gatewayNodeFlags(), '--expose-gc'] });
try {
  // The scenario's variants in turn, as `npm run bench` sends them.
  const requests = scenario.variants.map((variant) => ({ path: '/graphql', body: requestBody(scenario, variant) }));
  const load = { url: `${gateway.url}/graphql`, method: 'POST' as const, body: requests[0]!.body, requests, connections };
  await runLoad({ ...load, duration: 3 }); // JIT warm-up, so saturation is not underestimated
  const saturated = await runLoad({ ...load, duration: 5 });
  const rate = Math.round(Number(flag('rate', String(saturated.rps * 0.7))));
  console.log(`Scenario ${scenario.name}: saturated at ${saturated.rps.toFixed(0)} req/s; soaking at ${rate} req/s for ${duration} s in ${windowSeconds} s windows.\n`);
  console.log('| window | elapsed s | RPS | p50 ms | p99 ms | errors+non2xx | RSS MB | live heap MB | CPU µs/req |');
  console.log('|-------:|----------:|----:|-------:|-------:|--------------:|-------:|-------------:|-----------:|');
  const windows: { rps: number; p99: number; rssMb: number; liveHeapMb: number; cpuPerRequest: number }[] = [];
  // At least three: one warm-up window, then two to compare p99 across halves.
  const count = Math.max(3, Math.round(duration / windowSeconds));
  for (let i = 0; i < count; i++) {
    // CPU per request tells a gateway that slows down (it rises) from a host that does (it does not).
    await gateway.reset();
    const result = await runLoad({ ...load, duration: windowSeconds, overallRate: rate });
    const memory = await gateway.sample();
    const cpuPerRequest = memory.cpuMicros / Math.max(1, result.sent);
    const rssMb = memory.rss / 1_048_576;
    const liveHeapMb = (memory.liveHeap ?? Number.NaN) / 1_048_576;
    windows.push({ rps: result.rps, p99: result.p99, rssMb, liveHeapMb, cpuPerRequest });
    console.log(
      `| ${i + 1} | ${((i + 1) * windowSeconds).toFixed(0)} | ${result.rps.toFixed(0)} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${result.errors + result.non2xx} | ${rssMb.toFixed(1)} | ${liveHeapMb.toFixed(1)} | ${cpuPerRequest.toFixed(0)} |`,
    );
  }
  const afterWarmUp = windows[0]!;
  const rest = windows.slice(1);
  const last = windows.at(-1)!;
  const growth = ((last.rssMb - afterWarmUp.rssMb) / afterWarmUp.rssMb) * 100;
  const firstHalfP99 = median(rest.slice(0, Math.ceil(rest.length / 2)).map((w) => w.p99));
  const secondHalfP99 = median(rest.slice(Math.ceil(rest.length / 2)).map((w) => w.p99));
  console.log(`\nRSS after warm-up ${afterWarmUp.rssMb.toFixed(1)} MB → end ${last.rssMb.toFixed(1)} MB: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)}% (target ≤ 10%).`);
  console.log(`Live heap after warm-up ${afterWarmUp.liveHeapMb.toFixed(1)} MB → end ${last.liveHeapMb.toFixed(1)} MB.`);
  console.log(`p99 median, first half ${firstHalfP99.toFixed(1)} ms → second half ${secondHalfP99.toFixed(1)} ms (target: no rise).`);
  const firstHalfCpu = median(rest.slice(0, Math.ceil(rest.length / 2)).map((w) => w.cpuPerRequest));
  const secondHalfCpu = median(rest.slice(Math.ceil(rest.length / 2)).map((w) => w.cpuPerRequest));
  console.log(`CPU µs per request median, first half ${firstHalfCpu.toFixed(0)} → second half ${secondHalfCpu.toFixed(0)}.`);
} finally {
  await gateway.close();
  await upstreams.close();
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
