import { ErrorCodes } from '../errors/codes.ts';
import type { ConfigPath, GatewayConfig, RateLimitConfig, SourceMap } from './types.ts';
import { readMetrics } from './check-metrics-shape.ts';
import { readReload } from './check-reload-shape.ts';
import { readTracing } from './check-tracing-shape.ts';
import { readIsolationSettings } from './check-isolation-shape.ts';
import { readLimits } from './check-limits-shape.ts';
import { readCors } from './check-cors-shape.ts';
import { readConsole } from './check-console-shape.ts';
import { readTrustedDocuments } from './check-trusted-documents-shape.ts';
import { readSharing } from './check-sharing-shape.ts';
import { readRedis } from './check-redis-shape.ts';
import { SERVER_DEFAULTS } from '../server/server-settings.ts';
import { checkKeys, describe, isMapping, readMapping, readPositiveInt, report, type Checker, type Mapping } from './shape-checker.ts';

const TOP_KEYS = ['server', 'rateLimits', 'batching', 'metrics', 'tracing', 'reload', 'isolation', 'limits', 'cors', 'console', 'trustedDocuments', 'sharing', 'redis'] as const;
const BATCHING_KEYS = ['acrossRequests', 'busyAbove'] as const;
const SERVER_KEYS = ['requestTimeoutMs', 'maxInFlight', 'maxEventLoopDelayMs', 'shutdownGraceMs', 'maxBodyBytes', 'headersTimeoutMs', 'bodyTimeoutMs', 'maxConnections'] as const;
const MAX_BODY_BYTES = 1_073_741_824; // 1 GiB
const RATE_LIMITS_KEYS = ['default', 'callers'] as const;
const LIMIT_KEYS = ['requestsPerSecond', 'burst'] as const;
const MAX_MS = 2_147_483_647; // setTimeout's limit
const MAX_COUNT = 1_000_000;
/** Caller ids are the verified callers of callers.yaml (or `anonymous`): these characters only. */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An absent gateway.yaml: every server setting at its default, no rate limits. */
export const EMPTY_GATEWAY_CONFIG: GatewayConfig = Object.freeze({ server: {}, rateLimits: { default: undefined, callers: {} }, batching: {} });

/** Checks the optional `gateway.yaml` (server protection settings and per-caller rate limits). */
export function checkGatewayShape(value: unknown, sourceMap: SourceMap): { gateway: GatewayConfig | undefined; errors: Checker['errors'] } {
  const c: Checker = { prefix: 'gateway', sourceMap, errors: [] };
  if (value === null || value === undefined) return { gateway: EMPTY_GATEWAY_CONFIG, errors: [] };
  const top = readMapping(c, value, [], `a mapping with any of the keys ${TOP_KEYS.join(', ')}`);
  if (!top) return { gateway: undefined, errors: c.errors };
  checkKeys(c, top, [], TOP_KEYS);
  const server = top.server === undefined ? {} : readMapping(c, top.server, ['server'], `a mapping with any of the keys ${SERVER_KEYS.join(', ')}`);
  if (server) checkKeys(c, server, ['server'], SERVER_KEYS);
  const gateway: GatewayConfig = {
    server: server
      ? {
          requestTimeoutMs: readPositiveInt(c, server, ['server'], 'requestTimeoutMs', MAX_MS),
          maxInFlight: readPositiveInt(c, server, ['server'], 'maxInFlight', MAX_COUNT),
          maxEventLoopDelayMs: readPositiveInt(c, server, ['server'], 'maxEventLoopDelayMs', MAX_MS),
          shutdownGraceMs: readPositiveInt(c, server, ['server'], 'shutdownGraceMs', MAX_MS),
          maxBodyBytes: readPositiveInt(c, server, ['server'], 'maxBodyBytes', MAX_BODY_BYTES),
          headersTimeoutMs: readPositiveInt(c, server, ['server'], 'headersTimeoutMs', MAX_MS),
          bodyTimeoutMs: readPositiveInt(c, server, ['server'], 'bodyTimeoutMs', MAX_MS),
          maxConnections: readPositiveInt(c, server, ['server'], 'maxConnections', MAX_COUNT),
        }
      : {},
    rateLimits: readRateLimits(c, top.rateLimits),
    batching: readBatching(c, top.batching),
  };
  const { headersTimeoutMs, bodyTimeoutMs } = gateway.server;
  // Node refuses a headers timeout longer than the request timeout.
  if ((headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs) > (bodyTimeoutMs ?? SERVER_DEFAULTS.bodyTimeoutMs)) {
    const key = headersTimeoutMs !== undefined ? 'headersTimeoutMs' : 'bodyTimeoutMs';
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected server.headersTimeoutMs (${headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs}) to be at most server.bodyTimeoutMs (${bodyTimeoutMs ?? SERVER_DEFAULTS.bodyTimeoutMs}): the whole request includes its headers`, ['server', key]);
  }
  const metrics = readMetrics(c, top.metrics);
  if (metrics) gateway.metrics = metrics;
  const tracing = readTracing(c, top.tracing);
  if (tracing) gateway.tracing = tracing;
  const reload = readReload(c, top.reload);
  if (reload) gateway.reload = reload;
  const isolation = readIsolationSettings(c, top.isolation);
  if (isolation) gateway.isolation = isolation;
  const limits = readLimits(c, top.limits, CALLER_ID);
  if (limits) gateway.limits = limits;
  const cors = readCors(c, top.cors);
  if (cors) gateway.cors = cors;
  const operatorConsole = readConsole(c, top.console);
  if (operatorConsole) gateway.console = operatorConsole;
  const trusted = readTrustedDocuments(c, top.trustedDocuments, CALLER_ID);
  if (trusted) gateway.trustedDocuments = trusted;
  const sharing = readSharing(c, top.sharing, CALLER_ID);
  if (sharing) gateway.sharing = sharing;
  const redis = readRedis(c, top.redis, gateway.server.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs);
  if (redis) gateway.redis = redis;
  return c.errors.length > 0 ? { gateway: undefined, errors: c.errors } : { gateway, errors: [] };
}

/** `batching: { acrossRequests: false }` or `{ busyAbove: 0.7 }`. */
function readBatching(c: Checker, value: unknown): GatewayConfig['batching'] {
  if (value === undefined) return {};
  const batching = readMapping(c, value, ['batching'], `a mapping with any of the keys ${BATCHING_KEYS.join(', ')}`);
  if (!batching) return {};
  checkKeys(c, batching, ['batching'], BATCHING_KEYS);
  const out: GatewayConfig['batching'] = {};
  const across = batching.acrossRequests;
  if (typeof across === 'boolean') out.acrossRequests = across;
  else if (across !== undefined) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected true or false; got ${describe(across)}`, ['batching', 'acrossRequests']);
  const busy = batching.busyAbove;
  if (typeof busy === 'number' && busy >= 0 && busy <= 1) out.busyAbove = busy;
  else if (busy !== undefined) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected the event loop's utilisation, a number from 0 to 1 (0.5 = half busy); got ${describe(busy)}`, ['batching', 'busyAbove']);
  return out;
}

function readRateLimits(c: Checker, value: unknown): GatewayConfig['rateLimits'] {
  const out: GatewayConfig['rateLimits'] = { default: undefined, callers: {} };
  if (value === undefined) return out;
  const limits = readMapping(c, value, ['rateLimits'], 'a mapping with the keys default and/or callers');
  if (!limits) return out;
  checkKeys(c, limits, ['rateLimits'], RATE_LIMITS_KEYS);
  if (limits.default !== undefined) out.default = readLimit(c, limits.default, ['rateLimits', 'default']);
  if (limits.callers !== undefined) {
    const callers = readMapping(c, limits.callers, ['rateLimits', 'callers'], 'a mapping of caller ids (callers.yaml, or anonymous) to limits');
    for (const [caller, limit] of Object.entries(callers ?? {})) {
      const at = ['rateLimits', 'callers', caller];
      if (!CALLER_ID.test(caller)) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a caller id of 1 to 128 letters, digits, ".", "_", ":" or "-"; got "${caller}"`, at, 'key');
      const read = readLimit(c, limit, at);
      if (read) out.callers[caller] = read;
    }
  }
  return out;
}

/** `{ requestsPerSecond: 50, burst: 100 }`; burst defaults to one second's worth. */
function readLimit(c: Checker, value: unknown, at: ConfigPath): RateLimitConfig | undefined {
  if (!isMapping(value)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a mapping such as { requestsPerSecond: 50, burst: 100 }; got ${describe(value)}`, at);
    return undefined;
  }
  const limit: Mapping = value;
  checkKeys(c, limit, at, LIMIT_KEYS);
  if (limit.requestsPerSecond === undefined) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected key "requestsPerSecond" (the sustained rate, a positive integer); it is missing', [...at, 'requestsPerSecond'], 'key');
    return undefined;
  }
  const requestsPerSecond = readPositiveInt(c, limit, at, 'requestsPerSecond', MAX_COUNT);
  const burst = readPositiveInt(c, limit, at, 'burst', MAX_COUNT);
  return requestsPerSecond === undefined ? undefined : { requestsPerSecond, burst: burst ?? requestsPerSecond };
}
