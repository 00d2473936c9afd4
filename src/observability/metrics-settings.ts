import type { Blueprint } from '../blueprint/index.ts';
import type { GatewayConfig } from '../config/index.ts';
import { GatewayMetrics, type MeteredOperation } from './metrics.ts';

/** createGateway's `metrics` option: wins over gateway.yaml's `metrics:`. */
export interface MetricsOverrides {
  enabled?: boolean | undefined;
  /** A port of its own for /metrics (0: any free port); absent: /metrics on the GraphQL port. */
  port?: number | undefined;
}

export interface MetricsSettings {
  enabled: boolean;
  port: number | undefined;
  callers: string[];
  maxOperationNames: number;
}

export const METRICS_DEFAULTS = Object.freeze({ maxOperationNames: 100 });

export function resolveMetricsSettings(overrides: MetricsOverrides | undefined, config: GatewayConfig): MetricsSettings {
  const m = config.metrics;
  return {
    enabled: overrides?.enabled ?? m?.enabled ?? false,
    port: overrides?.port ?? m?.port,
    // Callers with a rate limit of their own are declared callers too.
    callers: [...new Set([...(m?.callers ?? []), ...Object.keys(config.rateLimits.callers)])],
    maxOperationNames: m?.maxOperationNames ?? METRICS_DEFAULTS.maxOperationNames,
  };
}

/** The upstream operations of a blueprint, as the metrics label them. */
export function meteredOperations(blueprint: Blueprint): MeteredOperation[] {
  return [...blueprint.operations.values()].map((op) => ({ id: op.id, connector: op.connector, name: op.name, cached: op.policy.cacheTtlMs !== undefined }));
}

/** The gateway's metrics, or undefined when they are off (then nothing is counted anywhere). */
export function createGatewayMetrics(settings: MetricsSettings, blueprint: Blueprint): GatewayMetrics | undefined {
  if (!settings.enabled) return undefined;
  return new GatewayMetrics({ callers: settings.callers, maxOperationNames: settings.maxOperationNames, operations: meteredOperations(blueprint) });
}
