import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ParentMessage, ServerRole } from './server-protocol.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The servers run compiled, as production runs them (`npm run build`: dist/ mirrors the repo).
 * Under Node's type stripping every process would carry its TypeScript parser, ~27 MB of RSS
 * that the memory figures would otherwise charge to the gateway, the baseline and the floor alike.
 */
const ENTRY = path.join(REPO_ROOT, 'dist', 'bench', 'lib', 'server-process.js');

let built = false;

/** Compiles the sources to dist/ once per run, so the servers never run stale code. */
function buildOnce(): void {
  if (built) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm run build failed (${String(result.status ?? result.error)}); the servers cannot start`);
  built = true;
}

export interface ServerChild {
  role: ServerRole;
  pid: number;
  url: string;
  urls: Record<string, string> | undefined;
  /** Since the last reset: peak RSS, CPU µs used, GC pause µs, upstream requests counted (upstreams only); and current RSS. */
  sample(): Promise<{ peakRss: number; rss: number; requests: number; cpuMicros: number; gcMicros: number; liveHeap: number | undefined }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface SpawnOptions {
  role: ServerRole;
  /** Command prefix that pins the process (`taskset -c 0`), or empty. */
  pin: string[];
  settings: Record<string, unknown>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
}

/** Starts a child server and resolves once it listens. Its stdout (the access log) is discarded. */
export async function spawnServer(options: SpawnOptions): Promise<ServerChild> {
  buildOnce();
  const command = [...options.pin, process.execPath, ...(options.nodeFlags ?? []), ENTRY];
  // In a file, not the environment: the floor's settings (every variant's answer) exceed what exec allows.
  const settingsDir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-'));
  const settingsFile = path.join(settingsDir, 'settings.json');
  writeFileSync(settingsFile, JSON.stringify(options.settings));
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_ROLE: options.role, BENCH_SETTINGS_FILE: settingsFile },
  });
  child.once('exit', () => rmSync(settingsDir, { recursive: true, force: true }));
  const replies: ((reply: ChildReply) => void)[] = [];
  child.on('message', (reply: ChildReply) => replies.shift()?.(reply));
  const next = (): Promise<ChildReply> => new Promise((resolve) => replies.push(resolve));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${options.role} process exited early with code ${String(code)}`);
  });
  exited.catch(() => undefined);
  const ready = (await Promise.race([next(), exited])) as Extract<ChildReply, { type: 'ready' }>;
  const ask = async (message: ParentMessage): Promise<ChildReply> => {
    const reply = next();
    child.send(message);
    return reply;
  };
  return {
    role: options.role,
    pid: child.pid!,
    url: ready.url,
    urls: ready.urls,
    async sample() {
      const reply = (await ask({ type: 'sample' })) as Extract<ChildReply, { type: 'sample' }>;
      return { peakRss: reply.peakRss, rss: reply.rss, requests: reply.requests, cpuMicros: reply.cpuMicros, gcMicros: reply.gcMicros, liveHeap: reply.liveHeap };
    },
    async reset() {
      await ask({ type: 'reset' });
    },
    async close() {
      if (child.exitCode !== null) return;
      const gone = once(child, 'exit');
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
