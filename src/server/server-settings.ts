import type { GatewayConfig, RateLimitConfig } from '../config/types.ts';

/** How the gateway protects itself; every value resolved (options > gateway.yaml > default). */
export interface ServerSettings {
  requestTimeoutMs: number;
  maxInFlight: number;
  maxEventLoopDelayMs: number | undefined;
  shutdownGraceMs: number;
  rateLimits: { default: RateLimitConfig | undefined; callers: Record<string, RateLimitConfig> };
}

/** The defaults docs/config.md's settings table quotes: safe with no gateway.yaml at all. */
export const SERVER_DEFAULTS = Object.freeze({
  requestTimeoutMs: 10_000, // 10 s per request, across every upstream call it makes
  maxInFlight: 1_000, // requests served at once; beyond this, a fast 503
  shutdownGraceMs: 10_000, // 10 s for in-flight requests to finish on SIGTERM
});

/** Programmatic overrides (createGateway options) win over gateway.yaml, which wins over defaults. */
export function resolveServerSettings(overrides: Partial<ServerSettings>, config: GatewayConfig): ServerSettings {
  const s = config.server;
  return {
    requestTimeoutMs: overrides.requestTimeoutMs ?? s.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs,
    maxInFlight: overrides.maxInFlight ?? s.maxInFlight ?? SERVER_DEFAULTS.maxInFlight,
    maxEventLoopDelayMs: overrides.maxEventLoopDelayMs ?? s.maxEventLoopDelayMs,
    shutdownGraceMs: overrides.shutdownGraceMs ?? s.shutdownGraceMs ?? SERVER_DEFAULTS.shutdownGraceMs,
    rateLimits: overrides.rateLimits ?? config.rateLimits,
  };
}
