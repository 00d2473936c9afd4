/**
 * Entry point of a benchmark child process: the demo upstreams, the gateway, the baseline, the floor or the ceiling.
 * The runner starts it pinned to a core and talks to it over IPC: it reports when it is ready,
 * samples its own peak RSS, counts upstream requests, and closes on request.
 *
 * Each role imports only its own module (dynamic imports below), so a row's peak RSS is that
 * server's own: statically importing them all put the gateway's modules in the ceiling's RSS.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { startFloorServer } from '../floor/server.ts';
import type { CeilingEntry } from '../ceiling/server.ts';
import type { ChildReply, ParentMessage, ServerRole } from './server-protocol.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const role = process.env.BENCH_ROLE as ServerRole;
const settings = JSON.parse(process.env.BENCH_SETTINGS_FILE ? readFileSync(process.env.BENCH_SETTINGS_FILE, 'utf8') : '{}') as {
  delayMs?: number;
  urls?: Record<string, string>;
  logLevel?: string;
  /** For the gateway: Prometheus metrics on (the default) or off. */
  metrics?: boolean;
  /** For the gateway: OpenTelemetry traces on (every request sampled, spans discarded as they end) or off (the default). */
  tracing?: boolean;
  /** For the gateway: false to batch each request alone (the `gateway-solo` row). */
  batchAcrossRequests?: boolean;
  /** For the gateway: require this API key (callers.yaml, mode required), as production would. */
  apiKey?: string;
  /** For the floor: per scenario and variant, its ideal upstream calls and the answer to send. */
  floor?: Parameters<typeof startFloorServer>[1];
  /** For the ceiling: every request it knows (its body) and the answer to send. */
  ceiling?: CeilingEntry[];
};

let peakRss = process.memoryUsage.rss();
let cpuAtReset = process.cpuUsage();
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
}, 50);
sampler.unref();

// Pause time of every collection (scavenges and the main thread's part of full ones): what the
// heap's settings (--max-semi-space-size, …) cost the process, apart from the rest of its CPU.
let gcMicros = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    // The soak's own full collection before it reads the live heap is the runner's, not the load's.
    const flags = (entry as PerformanceEntry & { detail?: { flags?: number } }).detail?.flags ?? 0;
    if (flags & perfConstants.NODE_PERFORMANCE_GC_FLAGS_FORCED) continue;
    gcMicros += entry.duration * 1000;
  }
}).observe({ entryTypes: ['gc'] });

const send = (reply: ChildReply): void => void process.send!(reply);

/** A config folder with one caller, `bench`, whose key is `apiKey` (stored as its hash, as operators do). */
async function benchConfigDir(apiKey: string): Promise<string> {
  const { hashApiKey } = await import('../../src/callers/api-keys.ts');
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-bench-'));
  await writeFile(path.join(dir, 'callers.yaml'), `mode: required\ncallers:\n  bench:\n    keys: [${hashApiKey(apiKey)}]\n`);
  return dir;
}

async function main(): Promise<void> {
  let close: () => Promise<void>;
  let requestCount = (): number => 0;
  let resetCount = (): void => undefined;
  if (role === 'upstreams') {
    const { startDemoUpstreams } = await import('../../src/demo/upstreams.ts');
    const upstreams = await startDemoUpstreams({ delayMs: settings.delayMs ?? 0, recordRequests: false });
    close = upstreams.close;
    requestCount = upstreams.requestCount;
    resetCount = upstreams.resetRequests;
    // The shadow set too (`crmShadow`, …): where the gateway sends marked traffic (`--mark`).
    const shadows = Object.fromEntries(Object.entries(upstreams.shadowUrls ?? {}).map(([name, url]) => [`${name}Shadow`, url]));
    send({ type: 'ready', url: '', urls: { ...upstreams.urls, risk: upstreams.riskAddress, loyalty: upstreams.loyaltyAddress, ...shadows } });
  } else if (role === 'gateway') {
    const [{ createGateway }, { createLogger }] = await Promise.all([import('../../src/index.ts'), import('../../src/observability/index.ts')]);
    const urls = settings.urls!;
    // The demo's schemas and connectors; the config folder (callers.yaml) is the run's own.
    const configDir = settings.apiKey === undefined ? REPO_ROOT : await benchConfigDir(settings.apiKey);
    const gateway = await createGateway({
      configDir,
      schemasDir: path.join(REPO_ROOT, 'schemas'),
      connectorsDir: path.join(REPO_ROOT, 'connectors'),
      env: {
        CRM_URL: urls.crm,
        ORDERS_URL: urls.orders,
        TICKETS_URL: urls.tickets,
        AGENTS_URL: urls.agents,
        RISK_ADDRESS: urls.risk,
        LOYALTY_ADDRESS: urls.loyalty,
        CRM_SHADOW_URL: urls.crmShadow,
        ORDERS_SHADOW_URL: urls.ordersShadow,
        TICKETS_SHADOW_URL: urls.ticketsShadow,
        AGENTS_SHADOW_URL: urls.agentsShadow,
      },
      // Production-like: the access log is on and written to stdout, which the runner discards.
      logger: createLogger({ level: settings.logLevel ?? 'info' }),
      batchAcrossRequests: settings.batchAcrossRequests ?? true,
      metrics: { enabled: settings.metrics ?? true },
      // Spans are made, sampled and handed to an exporter exactly as in production; only the
      // sending (OTLP serialisation and HTTP, in the background) is left out.
      tracing: { enabled: settings.tracing ?? false, exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} } },
    });
    const { url } = await gateway.listen({ port: 0, host: '127.0.0.1' });
    close = async () => {
      await gateway.close();
      if (configDir !== REPO_ROOT) await rm(configDir, { recursive: true, force: true });
    };
    send({ type: 'ready', url });
  } else if (role === 'floor') {
    const { startFloorServer } = await import('../floor/server.ts');
    const floor = await startFloorServer(settings.urls as Parameters<typeof startFloorServer>[0], settings.floor ?? {});
    close = floor.close;
    send({ type: 'ready', url: floor.url });
  } else if (role === 'ceiling') {
    const { startCeilingServer } = await import('../ceiling/server.ts');
    const ceiling = await startCeilingServer(settings.ceiling ?? []);
    close = ceiling.close;
    send({ type: 'ready', url: ceiling.url });
  } else {
    const { startBaselineServer } = await import('../baseline/server.ts');
    const baseline = await startBaselineServer(settings.urls as Parameters<typeof startBaselineServer>[0]);
    close = baseline.close;
    send({ type: 'ready', url: baseline.url });
  }

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'sample') {
      const cpu = process.cpuUsage(cpuAtReset);
      const gcSinceReset = gcMicros;
      // With --expose-gc (the soak), a full collection first: what survives it is what the process really holds.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const liveHeap = gc ? process.memoryUsage().heapUsed : undefined;
      send({ type: 'sample', peakRss, rss: process.memoryUsage.rss(), requests: requestCount(), cpuMicros: cpu.user + cpu.system, gcMicros: gcSinceReset, liveHeap });
    } else if (message.type === 'reset') {
      peakRss = process.memoryUsage.rss();
      cpuAtReset = process.cpuUsage();
      gcMicros = 0;
      resetCount();
      send({ type: 'reset' });
    } else if (message.type === 'close') {
      void close().finally(() => process.exit(0));
    }
  });
}

process.on('disconnect', () => process.exit(0)); // the runner is gone: never linger
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
