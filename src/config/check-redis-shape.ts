import { ErrorCodes } from '../errors/codes.ts';
import type { GatewayConfig, RedisConfig } from './types.ts';
import { checkKeys, describe, readBoolean, readIntInRange, readMapping, readPositiveInt, readString, report, type Checker } from './shape-checker.ts';

export const REDIS_KEYS = ['url', 'tls', 'keyPrefix', 'commandTimeoutMs', 'connectTimeoutMs', 'replicas', 'staleIfErrorMs', 'lockWaitMs', 'maxEntryBytes'] as const;
const MAX_MS = 2_147_483_647; // setTimeout's limit
const MAX_REPLICAS = 10_000;
const MAX_ENTRY_BYTES = 536_870_912; // 512 MiB, Redis's largest string
/** Printable, no spaces: the prefix is part of every key an operator may SCAN for. */
const KEY_PREFIX = /^[!-~]{0,64}$/;

/**
 * gateway.yaml's `redis:` section, what replicas share:
 * `{ url: redis://redis:6379, keyPrefix: "tessera:", commandTimeoutMs: 50, replicas: 3 }`.
 * `requestTimeoutMs` is the request budget the command timeout must stay far below.
 */
export function readRedis(c: Checker, value: unknown, requestTimeoutMs: number): GatewayConfig['redis'] {
  if (value === undefined) return undefined;
  const redis = readMapping(c, value, ['redis'], `a mapping with the key url and any of ${REDIS_KEYS.slice(1).join(', ')}`);
  if (!redis) return undefined;
  checkKeys(c, redis, ['redis'], REDIS_KEYS);
  let url: string | undefined;
  if (redis.url === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected key "url" (where Redis listens, such as redis://redis:6379); it is missing', ['redis', 'url'], 'key');
  } else url = readUrl(c, redis.url);
  const out: RedisConfig = { url: url ?? '' };
  const tls = readBoolean(c, redis, ['redis'], 'tls');
  if (tls !== undefined) out.tls = tls;
  if (redis.keyPrefix !== undefined) {
    const prefix = readString(c, redis, ['redis'], 'keyPrefix', 'a key prefix of at most 64 printable characters without spaces, such as "tessera:"');
    if (prefix !== undefined && KEY_PREFIX.test(prefix)) out.keyPrefix = prefix;
    else if (prefix !== undefined) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a key prefix of at most 64 printable characters without spaces, such as "tessera:"; got ${describe(prefix)}`, ['redis', 'keyPrefix']);
  }
  const commandTimeoutMs = readPositiveInt(c, redis, ['redis'], 'commandTimeoutMs', MAX_MS);
  if (commandTimeoutMs !== undefined) {
    // Every request may wait on Redis (its rate limit, a shared cache read): a slow Redis must
    // cost a small part of the request's budget, never the whole of it.
    if (commandTimeoutMs * 10 > requestTimeoutMs) {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected at most a tenth of server.requestTimeoutMs (${requestTimeoutMs} ms), so a slow Redis never spends a request's budget: at most ${Math.floor(requestTimeoutMs / 10)}; got ${commandTimeoutMs}`, ['redis', 'commandTimeoutMs']);
    } else out.commandTimeoutMs = commandTimeoutMs;
  }
  const connectTimeoutMs = readPositiveInt(c, redis, ['redis'], 'connectTimeoutMs', MAX_MS);
  if (connectTimeoutMs !== undefined) out.connectTimeoutMs = connectTimeoutMs;
  const replicas = readPositiveInt(c, redis, ['redis'], 'replicas', MAX_REPLICAS);
  if (replicas !== undefined) out.replicas = replicas;
  const staleIfErrorMs = readIntInRange(c, redis, ['redis'], 'staleIfErrorMs', 0, MAX_MS);
  if (staleIfErrorMs !== undefined) out.staleIfErrorMs = staleIfErrorMs;
  const lockWaitMs = readPositiveInt(c, redis, ['redis'], 'lockWaitMs', MAX_MS);
  if (lockWaitMs !== undefined) out.lockWaitMs = lockWaitMs;
  const maxEntryBytes = readPositiveInt(c, redis, ['redis'], 'maxEntryBytes', MAX_ENTRY_BYTES);
  if (maxEntryBytes !== undefined) out.maxEntryBytes = maxEntryBytes;
  return url === undefined ? undefined : out;
}

/** `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS). */
function readUrl(c: Checker, value: unknown): string | undefined {
  if (typeof value === 'string' && URL.canParse(value)) {
    const parsed = new URL(value);
    const db = parsed.pathname.replace(/^\//, '');
    if ((parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') && parsed.hostname !== '' && (db === '' || /^\d{1,2}$/.test(db))) return value;
  }
  // The URL may hold a password: a bad one is described by its kind, never echoed.
  const found = typeof value === 'string' ? (value === '' ? '""' : 'a string that is not one') : describe(value);
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a Redis URL, redis://[user:password@]host[:port][/db] or rediss://… for TLS, such as redis://redis:6379; got ${found}`, ['redis', 'url']);
  return undefined;
}
