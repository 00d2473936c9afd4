import cluster from 'node:cluster';
import { pino, type DestinationStream, type Logger } from 'pino';
import { currentRequestContext } from './request-context.ts';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; defaults to stdout, buffered (see bufferedDestination). Tests pass an in-memory stream. */
  destination?: DestinationStream;
}

/** Buffered lines are written once this many bytes are waiting (~15 access-log lines). */
const BUFFER_BYTES = 4096;
/** How long a buffered line may wait when traffic is too low to fill the buffer. */
const FLUSH_EVERY_MS = 250;
const WARN = 40;

/**
 * A file descriptor (stdout by default) or file written through pino's destination in chunks of
 * at least 4 KiB: under load the access log costs one write system call per ~15 requests instead
 * of one per line. The writes are synchronous, pino's own default: an asynchronous write hands
 * each chunk to a libuv worker thread, and waking it cost more CPU than the write itself (the
 * `fs.write` binding was 5.6% of the gateway's busy time on the profile scenario when
 * asynchronous, 0.3% synchronous; 8.7% unbuffered). Lines wait at most 250 ms; pino writes the
 * rest on exit. createLogger writes warnings, errors and every line logged outside a request
 * (start-up, shutdown) at once, so an operator never waits for them and they keep their place
 * beside anything the process prints itself.
 */
export function bufferedDestination(dest: number | string = 1, flushEveryMs = FLUSH_EVERY_MS): DestinationStream {
  return pino.destination({ dest, sync: true, minLength: BUFFER_BYTES, periodicFlush: flushEveryMs });
}

/** Secrets never written: redacted by pino on every line, and checked for by `logInfo`'s quick path. */
const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', '*.apiKey', 'headers.authorization', 'headers["x-api-key"]'];
const CENSOR = '[redacted]';

/** Loggers made by createLogger: their options are known, so `logInfo` may write their lines itself. */
const ownLoggers = new WeakSet<Logger>();

/**
 * pino, with the request id (and caller id) of the current request added to every line via
 * AsyncLocalStorage, and secrets redacted before anything is written.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      // A `--workers` worker names itself, so the interleaved lines of one process group can be told apart.
      base: cluster.worker ? { service: 'tessera', worker: cluster.worker.id } : { service: 'tessera' },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      mixin: requestContextFields,
      hooks: {
        logMethod(args, method, level) {
          method.apply(this, args);
          if (level >= WARN) writeBufferedLines(this, false);
          else if (!currentRequestContext()) writeBufferedLines(this, true);
        },
      },
    },
    options.destination ?? bufferedDestination(),
  );
  ownLoggers.add(logger);
  return logger;
}

/**
 * Sends what a buffered destination holds: synchronously for lines outside any request (rare, and
 * expected in order with the process's own output), asynchronously otherwise. Streams that do not
 * buffer (in-memory ones in tests) have nothing to flush.
 */
function writeBufferedLines(logger: Logger, now: boolean): void {
  const stream = (logger as unknown as Record<symbol, unknown>)[streamSym] as Partial<{ flush(cb?: (err?: Error) => void): void; flushSync(): void; minLength: number }>;
  if (!stream.minLength) return;
  try {
    if (now) stream.flushSync!();
    else stream.flush!(() => undefined);
  } catch {
    // Not open yet, or already closed: pino's own exit handler writes what is left.
  }
}

function requestContextFields(): Record<string, unknown> {
  const context = currentRequestContext();
  if (!context) return {};
  const fields: Record<string, unknown> = context.callerId ? { reqId: context.requestId, callerId: context.callerId } : { reqId: context.requestId };
  // Marked traffic is labelled on every line it writes, so stress runs are apart in the logs too.
  if (context.traffic !== undefined) fields.traffic = context.traffic;
  return fields;
}

const { lsCacheSym, timeSym, chindingsSym, streamSym, needsMetadataGsym } = pino.symbols as unknown as Record<
  'lsCacheSym' | 'timeSym' | 'chindingsSym' | 'streamSym' | 'needsMetadataGsym',
  symbol
>;
const INFO = 30;

/**
 * `logger.info(fields, msg)` for lines written once per request (the access log). For a logger
 * made by createLogger the line is assembled here, byte for byte what pino writes (same prefix,
 * mixin fields first, same JSON), with one JSON.stringify instead of pino's per-key
 * serialisation through the wildcard redactor (~2.5 µs of ~5.5 µs a line). Whenever a redact
 * rule could match (a `req` or `headers` field, any object field with an `apiKey`) or the
 * logger is someone else's, pino writes it, so the no-secrets guarantee is pino's own.
 */
export function logInfo(logger: Logger, fields: Record<string, unknown>, msg: string, carriesContext = false): void {
  if (!ownLoggers.has(logger) || mayMatchRedactRule(fields)) return logger.info(fields, msg);
  if (!logger.isLevelEnabled('info')) return;
  const own = logger as unknown as Record<symbol, unknown>;
  const stream = own[streamSym] as DestinationStream & Record<symbol, unknown>;
  if (stream[needsMetadataGsym] === true) return logger.info(fields, msg); // multistream wants pino's metadata
  // A line whose fields start with the context's own (reqId, callerId, traffic, in that order)
  // comes out the same without the mixin: its keys would only be overwritten in place.
  const props = JSON.stringify(carriesContext ? fields : Object.assign(requestContextFields(), fields));
  const prefix = (own[lsCacheSym] as Record<number, string>)[INFO]! + (own[timeSym] as () => string)() + (own[chindingsSym] as string);
  stream.write(`${prefix}${props.length > 2 ? `,${props.slice(1, -1)}` : ''},"msg":${JSON.stringify(msg)}}\n`);
}

function mayMatchRedactRule(fields: Record<string, unknown>): boolean {
  if ('req' in fields || 'headers' in fields) return true;
  for (const key in fields) {
    const value = fields[key];
    if (typeof value === 'object' && value !== null && 'apiKey' in value) return true;
  }
  return false;
}
