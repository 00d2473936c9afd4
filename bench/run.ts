/**
 * `npm run bench`: the gateway, the hand-written baseline, the floor and ceiling servers and the upstream itself, side by side.
 *
 * For each upstream delay (default 0 and 20 ms) it starts the demo upstreams, the gateway on the
 * demo config (and again with pooling across requests off: gateway-solo), the baseline, the
 * floor server and (at 0 ms) the ceiling server, each in its own process; checks that they give
 * equal answers to every variant of every scenario, and to the first variant sent many times at
 * once; then drives autocannon at each server in turn (warm-up first, not counted) in each mode
 * (varied: the scenario's variants in turn; identical: its first variant on every connection)
 * and prints one table. Each row is measured in slices (--rounds) taken in turn with
 * the other servers' slices of the same scenario (each round starting one server later), so that a
 * slow spell of a shared machine costs every server alike instead of whichever row it fell on. Results go to bench/results/<timestamp>.json and .svg.
 *
 * Flags (or BENCH_* environment variables): --duration=5 --warmup=2 --rounds=3 --connections=50
 * --delays=0,20 --scenarios=profile,panel,customers50,grouped50,wide,aliases,risk50,loyalty50 --targets=gateway,gateway-solo,baseline,floor,ceiling,direct
 * --modes=varied,identical
 * --cpu-prof (profile the gateway; .cpuprofile files go to bench/results/profiles/)
 * --log-level=info (the gateway's; `warn` drops the access log, to measure its cost)
 * --metrics=on (the gateway's Prometheus metrics, counted as in production; `off` to measure their cost)
 * --tracing=off (`on`: the gateway traces every request, spans discarded as they end; to measure their cost)
 * --mark=stress (send every GraphQL request as marked traffic: the gateway serves it from the demo's
 * shadow upstreams; the baseline ignores the mark, so only the gateways' answers are compared)
 * --auth=on (the gateway requires an API key, as in production, and every request sends one; `off` to measure its cost)
 * --node-flags="--max-semi-space-size=32" (for every server under test, after the gateway's own
 * flags from `npm start`, so they win; default none).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { SCENARIOS, idealCalls, requestBody, type Scenario } from './scenarios/index.ts';
import { positiveNumber, readFlags } from './lib/args.ts';
import { describeMachine, planCpus } from './lib/cpu-pinning.ts';
import { runSlice, summarize, type LoadOptions, type LoadRequest, type LoadSlice } from './lib/load.ts';
import { MODES, formatTable, loadCoreWarning, type Mode, type Row, type Target } from './lib/report.ts';
import { renderChart } from './lib/chart.ts';
import { judgeTargets } from './lib/targets.ts';
import { spawnServer, type ServerChild } from './lib/spawn-server.ts';
import { gatewayNodeFlags } from './lib/gateway-node-flags.ts';

/** The targets that are servers of ours (the direct row is the upstream itself). */
type ServerTarget = Exclude<Target, 'direct'>;

const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const flag = readFlags({
  duration: 'seconds measured per row (default 5)',
  warmup: 'seconds of warm-up per row, not measured (default 2)',
  rounds: 'slices each row is measured in, taken in turn across the servers (default 3)',
  connections: 'autocannon connections (default 50)',
  delays: 'upstream delays in ms, comma-separated (default 0,20)',
  scenarios: `comma-separated subset of ${SCENARIOS.map((s) => s.name).join(', ')}`,
  targets: 'comma-separated subset of gateway, gateway-solo, baseline, floor, ceiling, direct',
  modes: 'comma-separated subset of varied (each variant in turn), identical (the first variant on every connection); default both',
  'cpu-prof': 'true: write .cpuprofile files of the gateway (to bench/results/profiles/)',
  'log-level': "the gateway's log level (default info: one access-log line per request)",
  metrics: "on (default) or off: the gateway's Prometheus metrics",
  tracing: "off (default) or on: the gateway's OpenTelemetry traces, every request sampled, spans discarded",
  mark: 'a traffic mark (stress, preview) on every GraphQL request: the gateway serves it from the shadow upstreams',
  auth: 'on (default) or off: the gateway requires an API key (callers.yaml mode required) and the load sends one',
  'node-flags': 'Node/V8 flags for every server under test (gateway, gateway-solo, baseline, floor, ceiling), space-separated',
});
const settings = {
  duration: positiveNumber('duration', flag('duration', '5')),
  warmup: positiveNumber('warmup', flag('warmup', '2')),
  rounds: Math.max(1, Math.round(positiveNumber('rounds', flag('rounds', '3')))),
  connections: positiveNumber('connections', flag('connections', '50')),
  delays: flag('delays', '0,20').split(',').map((d) => positiveNumber('delays', d)),
  scenarios: pick(SCENARIOS, flag('scenarios', SCENARIOS.map((s) => s.name).join(','))),
  targets: flag('targets', 'gateway,gateway-solo,baseline,floor,ceiling,direct').split(',') as Target[],
  modes: flag('modes', MODES.join(',')).split(',') as Mode[],
  cpuProf: flag('cpu-prof', 'false') === 'true',
  /** The gateway's log level: `info` (default) writes one access-log line per request, as in production. */
  logLevel: flag('log-level', 'info'),
  /** The gateway's Prometheus metrics: on by default, as an operator runs it. */
  metrics: flag('metrics', 'on') !== 'off',
  /** The gateway's OpenTelemetry traces: off by default, as shipped; `on` samples every request. */
  tracing: flag('tracing', 'off') === 'on',
  /** Authentication on the gateway rows: an API key on every request, checked as in production. */
  auth: flag('auth', 'on') !== 'off',
  /** Node/V8 flags for every server under test (e.g. --max-semi-space-size=16); Node's defaults when empty. */
  nodeFlags: flag('node-flags', '').split(' ').filter(Boolean),
  /** The traffic mark sent on every GraphQL request (x-tessera-traffic); none when empty. */
  mark: flag('mark', ''),
};
const markHeaders: Record<string, string> = settings.mark ? { 'x-tessera-traffic': settings.mark } : {};

async function main(): Promise<void> {
  const known: readonly Target[] = ['gateway', 'gateway-solo', 'baseline', 'floor', 'ceiling', 'direct'];
  const unknown = settings.targets.filter((t) => !known.includes(t));
  if (unknown.length > 0) throw new Error(`Unknown target ${unknown.join(', ')}; known: ${known.join(', ')}.`);
  const unknownModes = settings.modes.filter((m) => !MODES.includes(m));
  if (unknownModes.length > 0) throw new Error(`Unknown mode ${unknownModes.join(', ')}; known: ${MODES.join(', ')}.`);
  for (const replaying of ['floor', 'ceiling'] as const) {
    if (settings.targets.includes(replaying) && !settings.targets.some((t) => t === 'gateway' || t === 'gateway-solo' || t === 'baseline')) {
      throw new Error(`The ${replaying} row replays the answers of the gateway or the baseline: add one of them to --targets.`);
    }
  }
  const machine = describeMachine();
  const cpus = planCpus();
  console.log(`Node ${machine.node} on ${machine.cpu} (${machine.cores} cores), ${machine.platform}`);
  console.log(
    cpus.available
      ? `Pinned with taskset: server under test on core ${cpus.serverCpu}; autocannon and the demo upstreams on core ${cpus.loadCpu}.`
      : `Not pinned: ${cpus.reason}.`,
  );
  const shippedFlags = gatewayNodeFlags();
  console.log(`The gateway runs with its own node flags (npm start): ${shippedFlags.join(' ') || 'none'}; the baseline, the floor and the ceiling with Node's defaults.`);
  if (settings.nodeFlags.length > 0) console.log(`Every server also gets --node-flags: ${settings.nodeFlags.join(' ')}.`);
  if (settings.mark) console.log(`Every GraphQL request is marked x-tessera-traffic: ${settings.mark}; the gateway serves it from the demo's shadow upstreams.`);
  console.log(
    `${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.duration} s measured per row, in ${settings.rounds} slices taken in turn across the servers; modes ${settings.modes.join(', ')}.\n`,
  );
  cpus.move(process.pid, cpus.loadCpu);

  const rows: Row[] = [];
  for (const delayMs of settings.delays) {
    const upstreams = await spawnServer({ role: 'upstreams', pin: cpus.prefix(cpus.loadCpu), settings: { delayMs } });
    const servers: Partial<Record<ServerTarget, ServerChild>> = {};
    try {
      const profileDir = path.join(RESULTS_DIR, 'profiles');
      if (settings.cpuProf) await mkdir(profileDir, { recursive: true });
      for (const target of ['gateway', 'gateway-solo', 'baseline'] as const) {
        if (!settings.targets.includes(target)) continue;
        const role = target === 'baseline' ? 'baseline' : 'gateway';
        servers[target] = await spawnServer({
          role,
          pin: cpus.prefix(cpus.serverCpu),
          settings: { urls: upstreams.urls, logLevel: settings.logLevel, metrics: settings.metrics, tracing: settings.tracing, batchAcrossRequests: target !== 'gateway-solo', ...(role === 'gateway' && settings.auth ? { apiKey: BENCH_API_KEY } : {}) },
          // The gateway as shipped (its own flags, from `npm start`), then the run's --node-flags, which win.
          nodeFlags: [...(role === 'gateway' ? shippedFlags : []), ...settings.nodeFlags, ...(settings.cpuProf && target === 'gateway' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
        });
      }
      const answers = new Map<Scenario, string[]>();
      for (const scenario of settings.scenarios) answers.set(scenario, await verify(scenario, servers, upstreams, delayMs));
      if (settings.targets.includes('floor')) {
        const floor = Object.fromEntries(
          settings.scenarios.filter((s) => s.httpOnly !== false).map((s) => [s.name, s.variants.map((variant, i) => ({ levels: variant.floor, answer: answers.get(s)![i]! }))]),
        );
        // The floor calls the production HTTP services only (no gRPC or Thrift, no shadows).
        const httpUrls = Object.fromEntries(Object.entries(upstreams.urls!).filter(([name]) => name !== 'risk' && name !== 'loyalty' && !name.endsWith('Shadow')));
        servers.floor = await spawnServer({ role: 'floor', pin: cpus.prefix(cpus.serverCpu), settings: { urls: httpUrls, floor }, nodeFlags: settings.nodeFlags });
      }
      // The ceiling makes no upstream calls, so a delay changes nothing for it: 0 ms only.
      if (settings.targets.includes('ceiling') && delayMs === 0) {
        const ceiling = settings.scenarios.flatMap((s) => s.variants.map((variant, i) => ({ body: requestBody(s, variant), answer: answers.get(s)![i]! })));
        servers.ceiling = await spawnServer({ role: 'ceiling', pin: cpus.prefix(cpus.serverCpu), settings: { ceiling }, nodeFlags: settings.nodeFlags });
        for (const scenario of settings.scenarios) await verifyCeiling(scenario, servers.ceiling, answers.get(scenario)!);
      }
      for (const scenario of settings.scenarios) {
        for (const mode of settings.modes) {
          const targets = settings.targets.filter((target) => measured(target, scenario, mode, delayMs));
          const measurements = targets.map((target) => new RowMeasurement(scenario, mode, target, delayMs, target === 'direct' ? upstreams : servers[target]!, upstreams, cpus));
          for (const measurement of measurements) await measurement.warmUp();
          // Each round starts with the next server, so that none is always measured first (right
          // after the previous scenario) or always right after the same neighbour.
          for (let round = 0; round < settings.rounds; round++) {
            for (let turn = 0; turn < measurements.length; turn++) {
              await measurements[(round + turn) % measurements.length]!.measureSlice(settings.duration / settings.rounds);
            }
          }
          for (const measurement of measurements) {
            const row = measurement.row();
            rows.push(row);
            console.log(formatTable([row]).split('\n')[2]);
            const warning = loadCoreWarning(row);
            if (warning) console.warn(warning);
          }
        }
      }
    } finally {
      await Promise.all(Object.values(servers).map((s) => s.close()));
      await upstreams.close();
    }
  }

  console.log(`\nNode ${machine.node}, ${machine.cpu}, ${cpus.available ? 'server pinned to one core' : 'not pinned'}; ${settings.connections} connections, ${settings.duration} s per row.`);
  console.log(formatTable(rows));
  const verdicts = judgeTargets(rows);
  if (verdicts.length > 0) console.log(`\nTargets:\n${verdicts.map((t) => `- ${t}`).join('\n')}`);
  const stamp = new Date().toISOString().replaceAll(':', '-').replace(/\..*$/, '');
  await mkdir(RESULTS_DIR, { recursive: true });
  const jsonFile = path.join(RESULTS_DIR, `${stamp}.json`);
  const svgFile = path.join(RESULTS_DIR, `${stamp}.svg`);
  await writeFile(jsonFile, JSON.stringify({ machine, pinned: cpus.available, settings: { ...settings, gatewayNodeFlags: shippedFlags, scenarios: settings.scenarios.map((s) => s.name) }, rows, verdicts }, null, 2));
  await writeFile(svgFile, renderChart(rows, `Tessera bench, Node ${machine.node}, ${machine.cpu}`));
  console.log(`\nWrote ${path.relative(process.cwd(), jsonFile)} and ${path.relative(process.cwd(), svgFile)}`);
}

/**
 * Whether a row of `target` is measured for this scenario, mode and delay. The upstream alone
 * and the ceiling (no upstream calls) at a delay: the delay is all there would be to see, or
 * nothing. The floor and the direct row do not speak gRPC or Thrift. The direct row is the
 * upstream's own limit, measured once (varied), not a server that could share calls.
 */
function measured(target: Target, scenario: Scenario, mode: Mode, delayMs: number): boolean {
  if (target === 'direct') return delayMs === 0 && mode === 'varied' && scenario.httpOnly !== false;
  if (target === 'ceiling') return delayMs === 0;
  if (target === 'floor') return scenario.httpOnly !== false;
  return true;
}

/** Copies of a scenario's first variant sent at once when identical mode is on: enough for any sharing to happen. */
const IDENTICAL_AT_ONCE = 20;

/**
 * Every server must give the same answers, the gateways with no more than the ideal number of
 * upstream calls for one request alone, before anything is timed. With identical mode on, the
 * first variant sent many times at once must get the same answer every time, whatever a server
 * shares between those requests, and cost no more calls than that many requests alone. Returns
 * the first server's answer to each variant, which the floor and the ceiling replay.
 */
async function verify(scenario: Scenario, servers: Partial<Record<ServerTarget, ServerChild>>, upstreams: ServerChild, delayMs: number): Promise<string[]> {
  const first = scenario.variants[0]!;
  let reference: { role: string; texts: string[] } | undefined;
  for (const [role, server] of Object.entries(servers)) {
    if (role === 'floor' || role === 'ceiling') continue;
    // Let calls still in flight from the previous load run land before counting this request's calls.
    await setTimeout(100 + 5 * delayMs);
    await upstreams.reset();
    await answer(role, server, scenario, first);
    const calls = (await upstreams.sample()).requests;
    if (calls !== idealCalls(first)) console.warn(`! ${role} made ${calls} upstream calls for ${scenario.name}; ideal is ${idealCalls(first)}.`);
    const texts: string[] = [];
    // A few at a time: fast, and the gateway's shared batches get exercised before timing too.
    for (let i = 0; i < scenario.variants.length; i += 10) {
      texts.push(...(await Promise.all(scenario.variants.slice(i, i + 10).map((variant) => answer(role, server, scenario, variant)))));
    }
    if (settings.modes.includes('identical')) {
      await setTimeout(100 + 5 * delayMs);
      await upstreams.reset();
      const copies = await Promise.all(Array.from({ length: IDENTICAL_AT_ONCE }, () => answer(role, server, scenario, first)));
      const copyCalls = (await upstreams.sample()).requests;
      const most = IDENTICAL_AT_ONCE * idealCalls(first);
      if (copyCalls > most) console.warn(`! ${role} made ${copyCalls} upstream calls for ${IDENTICAL_AT_ONCE} identical ${scenario.name} requests at once; at most ${most} expected.`);
      for (const copy of copies) {
        if (!isDeepStrictEqual(JSON.parse(copy), JSON.parse(texts[0]!))) {
          throw new Error(`${role} answered ${IDENTICAL_AT_ONCE} identical ${scenario.name} requests at once differently from one alone:\n${copy}\n${texts[0]}`);
        }
      }
    }
    // A marked run's baseline ignores the mark and answers from production: nothing to compare it with.
    if (settings.mark && role === 'baseline') continue;
    if (!reference) {
      reference = { role, texts };
      continue;
    }
    texts.forEach((text, i) => {
      if (!isDeepStrictEqual(JSON.parse(text), JSON.parse(reference!.texts[i]!))) {
        throw new Error(`${role} and ${reference!.role} disagree on ${scenario.name} ${JSON.stringify(scenario.variants[i]!.variables)}:\n${text}\n${reference!.texts[i]}`);
      }
    });
  }
  return reference?.texts ?? [];
}

/** The ceiling must give back every variant's answer byte for byte, chosen from the request it parses. */
async function verifyCeiling(scenario: Scenario, ceiling: ServerChild, expected: readonly string[]): Promise<void> {
  for (let i = 0; i < scenario.variants.length; i += 10) {
    const texts = await Promise.all(scenario.variants.slice(i, i + 10).map((variant) => answer('ceiling', ceiling, scenario, variant)));
    texts.forEach((text, j) => {
      if (text !== expected[i + j]) throw new Error(`The ceiling's answer to ${scenario.name} ${JSON.stringify(scenario.variants[i + j]!.variables)} is not the one it was given:\n${text}\n${expected[i + j]}`);
    });
  }
}

/** One variant's answer from one server, as text; throws unless it is a 200 without errors. */
async function answer(role: string, server: ServerChild, scenario: Scenario, variant: Scenario['variants'][number]): Promise<string> {
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...markHeaders, ...authHeaders(role) }, body: requestBody(scenario, variant) });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || body.errors) throw new Error(`${role} failed scenario ${scenario.name}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return text;
}

/**
 * One row of the table, measured in slices: each slice resets the server's CPU and memory
 * counters and the upstreams' call count, and the row sums (or, for peak RSS, maxes) them.
 */
class RowMeasurement {
  readonly #scenario: Scenario;
  readonly #mode: Mode;
  readonly #target: Target;
  readonly #delayMs: number;
  readonly #server: ServerChild;
  readonly #upstreams: ServerChild;
  readonly #cpus: ReturnType<typeof planCpus>;
  readonly #load: Omit<LoadOptions, 'duration'>;
  readonly #slices: LoadSlice[] = [];
  #cpuMicros = 0;
  #gcMicros = 0;
  /** The busiest slice's share of the load core (autocannon and the upstreams), when pinned. */
  #loadCoreBusy: number | undefined;
  #peakRss = 0;
  #upstreamRequests = 0;

  constructor(scenario: Scenario, mode: Mode, target: Target, delayMs: number, server: ServerChild, upstreams: ServerChild, cpus: ReturnType<typeof planCpus>) {
    this.#scenario = scenario;
    this.#mode = mode;
    this.#target = target;
    this.#delayMs = delayMs;
    this.#server = server;
    this.#upstreams = upstreams;
    this.#cpus = cpus;
    this.#load = loadOf(scenario, mode, target, server, upstreams);
  }

  async warmUp(): Promise<void> {
    if (settings.warmup > 0) await this.#onServerCore(() => runSlice({ ...this.#load, duration: settings.warmup }));
  }

  async measureSlice(seconds: number): Promise<void> {
    await this.#onServerCore(async () => {
      await this.#server.reset();
      await this.#upstreams.reset();
      const runnerCpu = process.cpuUsage();
      const startedAt = performance.now();
      this.#slices.push(await runSlice({ ...this.#load, duration: seconds }));
      // Requests cut off when the slice stops are still served: their calls and CPU are this
      // slice's (counted against requests sent), not the next server's.
      await setTimeout(50 + 5 * this.#delayMs);
      const wallMicros = (performance.now() - startedAt) * 1000;
      const runner = process.cpuUsage(runnerCpu);
      const memory = await this.#server.sample();
      const upstreams = await this.#upstreams.sample();
      this.#upstreamRequests += upstreams.requests;
      if (this.#cpus.available) {
        // The load core runs autocannon (this process) and the upstreams, except on the direct
        // row, whose upstreams were moved to the server core. Near 100% it, not the server under
        // test, may be what held the row back.
        const loadMicros = runner.user + runner.system + (this.#target === 'direct' ? 0 : upstreams.cpuMicros);
        this.#loadCoreBusy = Math.max(this.#loadCoreBusy ?? 0, loadMicros / wallMicros);
      }
      this.#cpuMicros += memory.cpuMicros;
      this.#gcMicros += memory.gcMicros;
      this.#peakRss = Math.max(this.#peakRss, memory.peakRss);
    });
  }

  row(): Row {
    const result = summarize(this.#slices, this.#load);
    const direct = this.#target === 'direct';
    return {
      scenario: this.#scenario.name,
      target: this.#target,
      mode: this.#mode,
      delayMs: this.#delayMs,
      rps: result.rps,
      roundRps: result.runRps,
      p50: result.p50,
      p90: result.p90,
      p99: result.p99,
      errors: result.errors,
      non2xx: result.non2xx,
      callsPerRequest: direct ? 0 : this.#upstreamRequests / Math.max(1, result.sent),
      idealCallsPerRequest: idealCalls(this.#scenario.variants[0]!),
      peakRssMb: this.#peakRss / 1_048_576,
      cpuUsPerRequest: this.#cpuMicros / Math.max(1, result.sent),
      gcUsPerRequest: this.#gcMicros / Math.max(1, result.sent),
      ...(this.#loadCoreBusy === undefined ? {} : { loadCoreBusy: this.#loadCoreBusy }),
    };
  }

  /** The upstream measured alone gets the server core, like the servers under test do. */
  async #onServerCore<T>(run: () => Promise<T>): Promise<T> {
    if (this.#target !== 'direct') return run();
    this.#cpus.move(this.#upstreams.pid, this.#cpus.serverCpu);
    try {
      return await run();
    } finally {
      this.#cpus.move(this.#upstreams.pid, this.#cpus.loadCpu);
    }
  }
}

/**
 * What autocannon sends for a row, as the target takes it: each variant in turn (varied), or the
 * first variant only (identical; still through the same in-turn list, so that the load generator
 * does the same work per request in both modes).
 */
function loadOf(scenario: Scenario, mode: Mode, target: Target, server: ServerChild, upstreams: ServerChild): Omit<LoadOptions, 'duration'> {
  const connections = settings.connections;
  const variants = mode === 'identical' ? scenario.variants.slice(0, 1) : scenario.variants;
  if (target === 'direct') {
    // Every variant's first call goes to the same upstream (the CRM).
    const first = variants[0]!.floor[0]![0]!;
    const requests: LoadRequest[] = variants.map((variant) => ({ path: variant.floor[0]![0]!.path }));
    return { url: `${upstreams.urls![first.service]}${first.path}`, method: 'GET', connections, requests };
  }
  const requests: LoadRequest[] = variants.map((variant, i) => ({
    path: target === 'floor' ? `/${scenario.name}/${i}` : '/graphql',
    body: requestBody(scenario, variant),
  }));
  return { url: `${server.url}${requests[0]!.path}`, method: 'POST', body: requests[0]!.body!, connections, requests, headers: { ...markHeaders, ...authHeaders(target) } };
}

/** The API key the gateway rows send (and their gateway requires), when --auth is on. */
const BENCH_API_KEY = 'bench-load-key';
function authHeaders(target: string): Record<string, string> | undefined {
  return settings.auth && (target === 'gateway' || target === 'gateway-solo') ? { 'x-api-key': BENCH_API_KEY } : undefined;
}

function pick(all: readonly Scenario[], names: string): Scenario[] {
  return names.split(',').map((name) => {
    const scenario = all.find((s) => s.name === name);
    if (!scenario) throw new Error(`Unknown scenario "${name}"; known: ${all.map((s) => s.name).join(', ')}.`);
    return scenario;
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
