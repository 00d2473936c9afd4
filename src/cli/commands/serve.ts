import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { ConfigErrorList, createGateway, validateConfig, type Gateway } from '../../index.ts';
import { createLogger } from '../../observability/index.ts';
import { resolveMetricsSettings } from '../../observability/metrics-settings.ts';
import { joinCluster, parseWorkerCount, runPrimary, tellPrimaryAdminReloaded } from '../../cluster/index.ts';
import { explainListenError } from './listen-error.ts';

/**
 * `tessera serve`: serves the config in --config-dir until SIGTERM/SIGINT, reloading it when
 * its files change (debounced) and on SIGHUP. With `--workers N` (or `auto`) the process is a
 * node:cluster primary running N such gateways on the same port.
 */
export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'config-dir': { type: 'string' }, workers: { type: 'string' } } });
  const workers = parseWorkerCount(values.workers);
  if (workers > 1 && cluster.isPrimary) return serveWorkers(values['config-dir'], workers);
  if (!cluster.isWorker) return serveOne(values['config-dir'], false);
  // A worker that fails to start drops its IPC channel, or the open channel keeps it alive.
  return serveOne(values['config-dir'], true).catch((error: unknown) => {
    cluster.worker?.disconnect();
    throw error;
  });
}

/** One gateway until SIGTERM/SIGINT, alone or as a `--workers` worker. */
async function serveOne(configDir: string | undefined, inCluster: boolean): Promise<number> {
  const gateway = await createGateway({
    configDir,
    dev: process.env.TESSERA_DEV === '1',
    watch: true,
    onAdminReload: inCluster ? tellPrimaryAdminReloaded : undefined,
    metricsServedByPrimary: inCluster,
  });
  const leaveCluster = inCluster ? joinCluster(gateway) : () => {};
  const { url, metricsUrl } = await listenOrClose(gateway, 'npx tessera serve');
  gateway.logger.info({ url: `${url}/graphql`, metricsUrl, auth: gateway.authMode }, 'tessera listening');
  if (gateway.authMode === 'off') gateway.logger.warn('authentication is off (no callers.yaml, or mode: off): every request is admitted without a credential and no field scope is checked');
  const onHangup = () => void gateway.reload('SIGHUP');
  process.on('SIGHUP', onHangup);
  return closeOnSignal(gateway).finally(() => {
    process.off('SIGHUP', onHangup);
    leaveCluster();
  });
}

/** The primary of `--workers`: checks the config once (so a bad one is reported once, not N times), then runs the workers. */
async function serveWorkers(configDir: string | undefined, workers: number): Promise<number> {
  const report = await validateConfig({ configDir });
  if (!report.blueprint) throw new ConfigErrorList(report.errors, report.text);
  const metrics = resolveMetricsSettings(undefined, report.gateway);
  return runPrimary({
    workers,
    logger: createLogger({}),
    metricsPort: metrics.enabled ? metrics.port : undefined,
    host: listenOptions().host,
  });
}

/** PORT and HOST from the environment, with the defaults docs/cli.md documents. */
export function listenOptions(): { port: number; host: string } {
  return { port: Number(process.env.PORT ?? 4000), host: process.env.HOST ?? '127.0.0.1' };
}

/**
 * Listens on PORT/HOST. If that fails (say the port is taken), closes the gateway and `onClose`
 * (what the command started besides it), so the process can exit, and rejects with one line
 * saying what to set.
 */
export async function listenOrClose(gateway: Gateway, rerun: string, onClose: () => Promise<void> = async () => {}): ReturnType<Gateway['listen']> {
  const options = listenOptions();
  try {
    return await gateway.listen(options);
  } catch (error) {
    await gateway.close().finally(onClose);
    throw explainListenError(error, { ...options, rerun });
  }
}

/**
 * Waits for SIGTERM or SIGINT, then closes the gateway and resolves the exit code. A second
 * signal during the shutdown is ignored rather than killing the process mid-drain: Ctrl-C
 * reaches a `--workers` worker twice (from the terminal and from its primary).
 */
export function closeOnSignal(gateway: Gateway, onClose: () => Promise<void> = async () => {}): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const finish = (code: number) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(code);
    };
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      gateway.logger.info({ signal }, 'shutting down');
      gateway
        .close()
        .then(onClose)
        .then(
          () => finish(0),
          () => finish(1),
        );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
