import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { REPO_ROOT } from './gateway.ts';

const MAIN = path.join(REPO_ROOT, 'src/cli/main.ts');

/** One `tessera serve` process: a replica as an operator runs it, watched through its log lines. */
export interface Replica {
  url: string;
  pid: number;
  logs: Record<string, unknown>[];
  /** POSTs to /graphql; `yoga` adds `"extensions": {}`, which the fast path leaves to graphql-yoga. */
  query(query: string, headers?: Record<string, string>, door?: 'fast' | 'yoga'): Promise<{ status: number; body: { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } }>;
  readyz(): Promise<{ status: number; body: { status: string; redis?: { state: string; reason?: string } } }>;
  /** SIGTERM by PID, and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `tessera serve --config-dir dir` on 127.0.0.1:0 and resolves once it listens.
 * `keepLogs: false` (a bench under load) stops reading the log once it listens: it is drained, not parsed.
 */
export async function startReplica(configDir: string, env: Record<string, string>, options: { keepLogs?: boolean } = {}): Promise<Replica> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, 'serve', '--config-dir', configDir], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg !== 'tessera listening') return;
      resolve(String(entry.url).replace(/\/graphql$/, ''));
      if (options.keepLogs === false) {
        lines.close();
        child.stdout!.resume();
      }
    });
    child.once('exit', (code) => reject(new Error(`tessera serve exited (${String(code)}) before listening:\n${stderr.join('\n')}`)));
  });
  return {
    url,
    pid: child.pid!,
    logs,
    async query(query, headers = {}, door = 'fast') {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(door === 'yoga' ? { query, extensions: {} } : { query }),
      });
      return { status: response.status, body: (await response.json()) as { data?: unknown } };
    },
    async readyz() {
      const response = await fetch(`${url}/readyz`);
      return { status: response.status, body: (await response.json()) as { status: string } };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
  };
}
