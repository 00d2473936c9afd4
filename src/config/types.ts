import type { SourceLocation } from '../errors/gateway-error.ts';

/** A path into one config file, e.g. `['operations', 'getCustomer', 'method']`. */
export type ConfigPath = readonly (string | number)[];

/**
 * Maps a path inside one parsed file back to where it was written. `locate` falls back to the
 * nearest enclosing node, so every config error can name a file, line and column.
 */
export interface SourceMap {
  readonly file: string;
  locate(path: ConfigPath, part?: 'key' | 'value'): SourceLocation;
  /** The source text of one line (1-based), for the caret excerpt in error messages. */
  lineText(line: number): string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A declared parameter of a connector operation, written as a GraphQL type: `ID!`, `Int`, `[ID!]`. */
export interface ParamConfig {
  /** The type as written, e.g. `ID!`. */
  type: string;
}

/** How a batched operation sends many keys in one call and matches the answer back to them. */
export interface BatchConfig {
  /** Most keys per upstream call; larger batches are split. */
  maxSize: number;
  /** Dot path, inside each returned item, of the value that equals the requested key. */
  keyField: string;
  /** true: many items per key (grouped into a list per key); false: exactly one item per key. */
  many: boolean;
  /** How `{keys}` renders in a query parameter: `comma` (ids=1,2) or `repeat` (ids=1&ids=2). */
  keyStyle: 'comma' | 'repeat';
  /**
   * true: the keys of concurrent requests for this operation (same params and forwarded headers)
   * go out in one call, gathered over one event-loop turn; each request still sees only its own.
   */
  acrossRequests: boolean;
}

/** One named call a connector offers. Templates refer to params as `{name}` and to batch keys as `{keys}`. */
export interface OperationConfig {
  name: string;
  method: HttpMethod;
  /** Path template appended to the connector's baseUrl, e.g. `/customers/{id}`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** JSON body template: any JSON; string leaves may hold templates. */
  body: unknown;
  params: Record<string, ParamConfig>;
  batch: BatchConfig | undefined;
  /** Dot path of the value to take from the JSON response body; empty means the whole body. */
  result: string;
  /** Upstream per-call timeout, overriding the connector's. */
  timeoutMs: number | undefined;
  /** Per-operation overrides of the connector's resilience settings (absent = connector's). */
  resilience: OperationResilienceConfig;
  /** gRPC connectors only: the RPC method of the connector's service this operation calls (`body` is then the request message template). */
  rpc?: string | undefined;
}

/**
 * Resilience settings as written; an absent value means "the default" (resilience/policy.ts
 * holds the defaults, so they live in one place and the docs table can quote them).
 */
export interface RetryConfig {
  maxRetries?: number | undefined;
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
}

/** The connector-wide retry settings: the per-call ones plus the connector's retry budget. */
export interface ConnectorRetryConfig extends RetryConfig {
  budgetPercent?: number | undefined;
  minRetriesPerWindow?: number | undefined;
  budgetWindowMs?: number | undefined;
}

export interface CircuitBreakerConfig {
  enabled?: boolean | undefined;
  errorThresholdPercent?: number | undefined;
  minRequests?: number | undefined;
  windowMs?: number | undefined;
  resetTimeoutMs?: number | undefined;
}

export interface ConcurrencyConfig {
  maxConcurrent?: number | undefined;
  maxQueue?: number | undefined;
}

export interface ConnectorCacheConfig {
  maxEntries?: number | undefined;
  maxBytes?: number | undefined;
}

export interface ConnectorResilienceConfig {
  connectTimeoutMs?: number | undefined;
  retry: ConnectorRetryConfig;
  circuitBreaker: CircuitBreakerConfig;
  concurrency: ConcurrencyConfig;
  cache: ConnectorCacheConfig;
}

export interface OperationResilienceConfig {
  connectTimeoutMs?: number | undefined;
  /** Absent: true for GET only (a POST may not be safe to repeat). */
  idempotent?: boolean | undefined;
  retry: RetryConfig;
  /** Opt-in response cache: absent = no caching for this operation. */
  cacheTtlMs?: number | undefined;
}

/** One upstream service, as declared in `connectors/<name>.yaml`. */
export interface ConnectorConfig {
  name: string;
  /** `http`, or another kind registered in transports/registry.ts (`grpc`). */
  transport: string;
  /** HTTP: the upstream's absolute URL. Other transports: a URL-like name for logs (`grpc://host:port`). */
  baseUrl: string;
  /** Another transport's own settings, as its shape check built them (gRPC: GrpcConnectorConfig). */
  transportSettings?: unknown;
  headers: Record<string, string>;
  timeoutMs: number;
  resilience: ConnectorResilienceConfig;
  operations: Record<string, OperationConfig>;
  sourceMap: SourceMap;
}

/** One `schemas/*.graphql` file, kept whole so positions can be reported. */
export interface SchemaFile {
  file: string;
  text: string;
}

/** A token bucket: `requestsPerSecond` sustained, up to `burst` at once. */
export interface RateLimitConfig {
  requestsPerSecond: number;
  burst: number;
}

/** The optional `gateway.yaml`: how the gateway protects itself. Absent values mean the default. */
export interface GatewayConfig {
  server: {
    requestTimeoutMs?: number | undefined;
    maxInFlight?: number | undefined;
    maxEventLoopDelayMs?: number | undefined;
    shutdownGraceMs?: number | undefined;
  };
  rateLimits: {
    /** Applies to every caller without a limit of its own (and to requests without x-caller-id). */
    default: RateLimitConfig | undefined;
    callers: Record<string, RateLimitConfig>;
  };
  /** Pooling keys across requests (`batch.acrossRequests`), gateway-wide. */
  batching: {
    /** false: no operation pools, whatever its connector says. */
    acrossRequests?: boolean | undefined;
    /** Event-loop utilisation (0..1) above which operations pool; 0 pools always. */
    busyAbove?: number | undefined;
  };
}

/** Everything read from disk: shape-checked, meaning not yet checked (that is blueprint/'s job). */
export interface Config {
  connectors: ConnectorConfig[];
  schemaFiles: SchemaFile[];
  gateway: GatewayConfig;
}
