import { ErrorCodes } from '../errors/codes.ts';
import type { GatewayConfig } from './types.ts';
import { checkKeys, describe, readBoolean, readMapping, readOneOf, readString, readStringMap, report, type Checker } from './shape-checker.ts';

export const TRACING_KEYS = ['enabled', 'exporter', 'endpoint', 'headers', 'serviceName', 'sampleRatio'] as const;
export const TRACE_EXPORTERS = ['otlp', 'console'] as const;

/**
 * gateway.yaml's `tracing:` section:
 * `{ enabled: true, exporter: otlp, endpoint: http://otel-collector:4318/v1/traces, serviceName: tessera, sampleRatio: 0.1 }`.
 */
export function readTracing(c: Checker, value: unknown): GatewayConfig['tracing'] {
  if (value === undefined) return undefined;
  const tracing = readMapping(c, value, ['tracing'], `a mapping with any of the keys ${TRACING_KEYS.join(', ')}`);
  if (!tracing) return undefined;
  checkKeys(c, tracing, ['tracing'], TRACING_KEYS);
  const out: NonNullable<GatewayConfig['tracing']> = { enabled: readBoolean(c, tracing, ['tracing'], 'enabled') ?? false };
  if (tracing.exporter !== undefined) out.exporter = readOneOf(c, tracing.exporter, ['tracing', 'exporter'], TRACE_EXPORTERS);
  if (tracing.endpoint !== undefined) out.endpoint = readEndpoint(c, tracing.endpoint);
  if (tracing.headers !== undefined) out.headers = readStringMap(c, tracing, ['tracing'], 'headers');
  if (tracing.serviceName !== undefined) {
    const name = readString(c, tracing, ['tracing'], 'serviceName', 'the service name traces are filed under (service.name), a non-empty string');
    if (name === '') report(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected the service name traces are filed under (service.name), a non-empty string; got ""', ['tracing', 'serviceName']);
    else out.serviceName = name;
  }
  const ratio = tracing.sampleRatio;
  if (typeof ratio === 'number' && ratio >= 0 && ratio <= 1) out.sampleRatio = ratio;
  else if (ratio !== undefined) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected the share of new traces to record, a number from 0 to 1 (0.1 = one in ten); got ${describe(ratio)}`, ['tracing', 'sampleRatio']);
  }
  return out;
}

/** The collector's OTLP/HTTP traces URL: `http://otel-collector:4318/v1/traces`. */
function readEndpoint(c: Checker, value: unknown): string | undefined {
  const what = 'the collector\'s OTLP/HTTP traces URL, such as "http://otel-collector:4318/v1/traces"';
  if (typeof value === 'string' && URL.canParse(value)) {
    const protocol = new URL(value).protocol;
    if (protocol === 'http:' || protocol === 'https:') return value;
  }
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected ${what}; got ${describe(value)}`, ['tracing', 'endpoint']);
  return undefined;
}
