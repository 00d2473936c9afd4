/**
 * `node bench/workers.ts [--workers=1,2] [--delay=20] [--duration=10] [--connections=50]`:
 * `tessera serve --workers N` on the demo config, each N in turn, under the same load (the
 * bench's panel scenario, its 200 variants sent in turn; failed and non-2xx answers counted) with
 * the demo upstreams answering after `--delay` ms. Prints RPS and p99 per N and the scaling
 * against the first N. The upstreams and autocannon run in this process: on a 2-core machine
 * they share the cores with the workers, so the scaling measured is a floor, not a ceiling: the
 * table says how many cores each side used (the cluster's from /proc, on Linux), so a reader sees
 * which side ran out of CPU.
 * Everything runs on 127.0.0.1 and stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoUpstreams } from '../src/demo/upstreams.ts';
import { runLoad } from './lib/load.ts';
import { panel } from './scenarios/panel.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flags = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const workerCounts = (flags.get('workers') ?? '1,2').split(',').map(Number);
const delayMs = Number(flags.get('delay') ?? 20);
const duration = Number(flags.get('duration') ?? 10);
const connections = Number(flags.get('connections') ?? 50);

/** Starts the cluster and resolves its URL once every worker listens. */
async function startServe(workers: number, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'src/cli/tessera.js'), 'serve', '--workers', String(workers), '--config-dir', REPO_ROOT], {
    env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'info' }, // the default: one access-log line per request
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url = '';
  let listening = 0;
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg !== 'tessera listening') return;
      url = String(entry.url);
      if (++listening < workers) return;
      // From here on the access log is only drained, not parsed: the bench's core is the load generator's.
      lines.close();
      child.stdout!.resume();
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`tessera serve --workers ${workers} exited (${code}) before listening`)));
  });
  return { child, url };
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: what /proc/<pid>/stat counts CPU time in on Linux

/** CPU seconds used so far by the cluster: its primary and every worker; undefined off Linux. */
function clusterCpuSeconds(primaryPid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${primaryPid}/task/${primaryPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    let ticks = 0;
    for (const pid of [String(primaryPid), ...children]) {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

const upstreams = await startDemoUpstreams({ delayMs, recordRequests: false });
// `body` sets the content type; each request's own body then replaces it.
const requests = panel.variants.map((v) => ({ path: '/graphql', body: JSON.stringify({ query: panel.query, variables: v.variables }) }));
const rows: { workers: number; rps: number; p99: number; errors: number; gatewayCores: number | undefined; benchCores: number }[] = [];
try {
  for (const workers of workerCounts) {
    const { child, url } = await startServe(workers, upstreams.env);
    try {
      const load = { url, method: 'POST' as const, body: requests[0]!.body, requests, connections };
      await runLoad({ ...load, duration: 2 }); // warm-up: JIT, pools, plan caches
      const cpuBefore = clusterCpuSeconds(child.pid!);
      const benchBefore = process.cpuUsage();
      const result = await runLoad({ ...load, duration });
      const bench = process.cpuUsage(benchBefore);
      const cpuAfter = clusterCpuSeconds(child.pid!);
      const gatewayCores = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / duration;
      const benchCores = (bench.user + bench.system) / 1e6 / duration;
      rows.push({ workers, rps: result.rps, p99: result.p99, errors: result.errors + result.non2xx, gatewayCores, benchCores });
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
} finally {
  await upstreams.close();
}
const first = rows[0]!;
console.log(`panel, ${connections} connections, ${duration} s, upstream delay ${delayMs} ms`);
console.log(`${os.availableParallelism()} cores; "cores used" is CPU time over the run's wall time: the gateway's processes, and this process (autocannon and the upstreams).`);
console.log('| workers | RPS | p99 ms | errors | × first | gateway cores used | load + upstreams cores used |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.workers} | ${Math.round(row.rps)} | ${row.p99} | ${row.errors} | ${(row.rps / first.rps).toFixed(2)} | ${row.gatewayCores?.toFixed(2) ?? '—'} | ${row.benchCores.toFixed(2)} |`);
}
