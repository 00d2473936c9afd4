import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../observability/index.ts';
import { isWorkerToPrimary, type PrimaryToWorker } from './messages.ts';

export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  /** `metrics.port` when metrics are on with a port of their own: the primary serves the sum of every worker's metrics there. */
  metricsPort: number | undefined;
  host: string;
  /** A worker that dies after it started is replaced, but at most this many times per minute; then the whole cluster stops. */
  maxRestartsPerMinute?: number;
}

const RESTART_WINDOW_MS = 60_000;

/**
 * The primary of `tessera serve --workers N`: it serves nothing itself. It forks N workers (each
 * a whole gateway; node:cluster hands them connections round-robin), forwards SIGHUP and admin
 * reloads to all of them, replaces a worker that dies, serves the workers' summed metrics on
 * `metrics.port`, and on SIGTERM/SIGINT lets every worker shut down gracefully before it exits.
 * Resolves with the process's exit code.
 */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { logger } = options;
  const maxRestarts = options.maxRestartsPerMinute ?? 5;
  const listening = new Set<Worker>();
  const restarts: number[] = [];
  let stopping = false;
  let exitCode = 0;
  let metricsServer: Server | undefined;

  const send = (worker: Worker, message: PrimaryToWorker) => {
    if (worker.isConnected()) worker.send(message);
  };
  const everyWorker = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  const fork = () => cluster.fork();

  const done = new Promise<number>((resolve) => {
    const stopAll = (code: number) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      const workers = everyWorker();
      if (workers.length === 0) return finish();
      // Each worker closes as a lone gateway does on SIGTERM: readiness false, in-flight requests finish.
      for (const worker of workers) worker.process.kill('SIGTERM');
    };
    const finish = () => {
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      process.off('SIGHUP', onHangup);
      cluster.off('exit', onExit);
      cluster.off('listening', onListening);
      cluster.off('message', onMessage);
      const closed = metricsServer ? new Promise<void>((r) => metricsServer!.close(() => r())) : Promise.resolve();
      metricsServer?.closeAllConnections();
      void closed.then(() => resolve(exitCode));
    };
    const onStop = (signal: NodeJS.Signals) => {
      logger.info({ signal, workers: everyWorker().length }, 'shutting down the workers');
      stopAll(0);
    };
    const onHangup = () => {
      for (const worker of everyWorker()) send(worker, { type: 'tessera:reload', trigger: 'SIGHUP' });
    };
    const onListening = (worker: Worker) => {
      if (listening.has(worker)) return; // its metrics port, if it has one
      listening.add(worker);
      if (listening.size === options.workers) {
        logger.info({ workers: everyWorker().map((w) => w.process.pid) }, 'tessera workers listening');
      }
    };
    const onMessage = (from: Worker, message: unknown) => {
      // One worker answered POST /admin/reload; the others reload too, so that all serve one config.
      if (!isWorkerToPrimary(message)) return;
      for (const worker of everyWorker()) if (worker !== from) send(worker, { type: 'tessera:reload', trigger: 'admin' });
    };
    const onExit = (worker: Worker, code: number | null, signal: NodeJS.Signals | null) => {
      const started = listening.delete(worker);
      if (stopping) {
        // A worker still starting has no handler yet and dies of the SIGTERM itself: that is a clean stop too.
        if (code !== 0 && signal !== 'SIGTERM') exitCode = 1;
        if (everyWorker().length === 0) finish();
        return;
      }
      if (!started) {
        // It never served: a port in use or a config that broke since the check. The worker has
        // printed why; a replacement would fail the same way.
        logger.error({ pid: worker.process.pid, code, signal }, 'a worker failed to start; stopping');
        return stopAll(1);
      }
      const now = Date.now();
      while (restarts.length > 0 && restarts[0]! <= now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length >= maxRestarts) {
        logger.error({ pid: worker.process.pid, code, signal, restarts: restarts.length }, 'workers keep dying; stopping');
        return stopAll(1);
      }
      restarts.push(now);
      logger.error({ pid: worker.process.pid, code, signal }, 'a worker died; starting another');
      fork();
    };
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGHUP', onHangup);
    cluster.on('exit', onExit);
    cluster.on('listening', onListening);
    cluster.on('message', onMessage);
  });

  if (options.metricsPort !== undefined) metricsServer = await serveClusterMetrics(options.metricsPort, options.host, logger);
  for (let i = 0; i < options.workers; i++) fork();
  return done;
}

/** `/metrics` on `metrics.port`, summed over the workers by prom-client's AggregatorRegistry. */
async function serveClusterMetrics(port: number, host: string, logger: Logger): Promise<Server> {
  const registry = new AggregatorRegistry();
  const server = createServer((req, res) => {
    if ((req.url ?? '/').split('?', 1)[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end('Not found. Metrics are at /metrics.\n');
    }
    registry.clusterMetrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('metrics collection failed\n');
      },
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  logger.info({ metricsUrl: `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}/metrics` }, 'cluster metrics listening');
  return server;
}
