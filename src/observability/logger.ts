import { pino, type DestinationStream, type Logger } from 'pino';
import { currentRequestContext } from './request-context.ts';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; defaults to stdout. Tests pass an in-memory stream. */
  destination?: DestinationStream;
}

/**
 * pino, with the request id (and caller id) of the current request added to every line via
 * AsyncLocalStorage, and secrets redacted before anything is written.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'tessera' },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.apiKey', 'headers.authorization'], censor: '[redacted]' },
      mixin() {
        const context = currentRequestContext();
        if (!context) return {};
        return context.callerId ? { reqId: context.requestId, callerId: context.callerId } : { reqId: context.requestId };
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
