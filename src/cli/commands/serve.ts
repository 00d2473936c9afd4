import { parseArgs } from 'node:util';
import { createGateway, type Gateway } from '../../index.ts';
import { explainListenError } from './listen-error.ts';

/**
 * `tessera serve`: serves the config in --config-dir until SIGTERM/SIGINT, reloading it when
 * its files change (debounced) and on SIGHUP.
 */
export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'config-dir': { type: 'string' } } });
  const gateway = await createGateway({ configDir: values['config-dir'], dev: process.env.TESSERA_DEV === '1', watch: true });
  const { url, metricsUrl } = await listenOrClose(gateway, 'npx tessera serve');
  gateway.logger.info({ url: `${url}/graphql`, metricsUrl, auth: gateway.authMode }, 'tessera listening');
  if (gateway.authMode === 'off') gateway.logger.warn('authentication is off (no callers.yaml, or mode: off): every request is admitted without a credential and no field scope is checked');
  const onHangup = () => void gateway.reload('SIGHUP');
  process.on('SIGHUP', onHangup);
  return closeOnSignal(gateway).finally(() => process.off('SIGHUP', onHangup));
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

/** Waits for SIGTERM or SIGINT, then closes the gateway and resolves the exit code. */
export function closeOnSignal(gateway: Gateway, onClose: () => Promise<void> = async () => {}): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      gateway.logger.info({ signal }, 'shutting down');
      gateway
        .close()
        .then(onClose)
        .then(
          () => resolve(0),
          () => resolve(1),
        );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
