import type { GatewayConfig, RateLimitConfig } from '../config/types.ts';

/** How the gateway protects itself; every value resolved (options > gateway.yaml > default). */
export interface ServerSettings {
  requestTimeoutMs: number;
  maxInFlight: number;
  maxEventLoopDelayMs: number | undefined;
  shutdownGraceMs: number;
  maxBodyBytes: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxConnections: number;
  rateLimits: { default: RateLimitConfig | undefined; callers: Record<string, RateLimitConfig> };
}

/** The defaults docs/config.md's settings table quotes: safe with no gateway.yaml at all. */
export const SERVER_DEFAULTS = Object.freeze({
  requestTimeoutMs: 10_000, // 10 s per request, across every upstream call it makes
  maxInFlight: 1_000, // requests served at once; beyond this, a fast 503
  shutdownGraceMs: 10_000, // 10 s for in-flight requests to finish on SIGTERM
  maxBodyBytes: 1_048_576, // 1 MiB per request body, decompressed
  headersTimeoutMs: 10_000, // 10 s to send the request headers (slowloris is cut after this)
  bodyTimeoutMs: 30_000, // 30 s to send the whole request, body included
  maxConnections: 10_000, // open client connections; more are closed as they arrive
});

/** Programmatic overrides (createGateway options) win over gateway.yaml, which wins over defaults. */
export function resolveServerSettings(overrides: Partial<ServerSettings>, config: GatewayConfig): ServerSettings {
  const s = config.server;
  return {
    requestTimeoutMs: overrides.requestTimeoutMs ?? s.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs,
    maxInFlight: overrides.maxInFlight ?? s.maxInFlight ?? SERVER_DEFAULTS.maxInFlight,
    maxEventLoopDelayMs: overrides.maxEventLoopDelayMs ?? s.maxEventLoopDelayMs,
    shutdownGraceMs: overrides.shutdownGraceMs ?? s.shutdownGraceMs ?? SERVER_DEFAULTS.shutdownGraceMs,
    maxBodyBytes: overrides.maxBodyBytes ?? s.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes,
    headersTimeoutMs: overrides.headersTimeoutMs ?? s.headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs,
    bodyTimeoutMs: overrides.bodyTimeoutMs ?? s.bodyTimeoutMs ?? SERVER_DEFAULTS.bodyTimeoutMs,
    maxConnections: overrides.maxConnections ?? s.maxConnections ?? SERVER_DEFAULTS.maxConnections,
    rateLimits: overrides.rateLimits ?? config.rateLimits,
  };
}
