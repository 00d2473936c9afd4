import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** A real redis-server on 127.0.0.1, owned by the test or bench that started it. */
export interface RedisServer {
  port: number;
  url: string;
  /** The running server's process id (undefined while stopped). */
  readonly pid: number | undefined;
  /** Kills the server by its PID (SIGKILL: as a crash would) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (nothing is saved). */
  restart(): Promise<void>;
}

/** What a test prints when the machine has no redis-server: CI installs it, so a missing one is a failure, never a skip. */
export const REDIS_SERVER_MISSING = 'redis-server was not found on PATH. The scale-out tests and bench need a real Redis: install it (Debian: apt-get install -y redis-server); .ci/run installs it when missing.';

/** A port free on 127.0.0.1 now: bound on port 0, read, released (redis-server cannot be given port 0). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts redis-server on a free loopback port, without persistence, and resolves once it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined = await spawnRedis(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    async kill() {
      if (!child) return;
      const running = child;
      child = undefined;
      if (running.exitCode !== null || running.signalCode !== null) return;
      const exited = once(running, 'exit');
      process.kill(running.pid!, 'SIGKILL');
      await exited;
    },
    async restart() {
      if (child) return;
      child = await spawnRedis(port);
    },
  };
}

async function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(REDIS_SERVER_MISSING) : error));
    child.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited (${String(code)}) before it was ready:\n${output.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.includes('Ready to accept connections')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  });
  child.removeAllListeners('exit');
  child.removeAllListeners('error');
  child.stdout!.resume();
  return child;
}
