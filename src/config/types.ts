import type { SourceLocation } from '../errors/gateway-error.ts';
import type { LimitsConfig } from '../limits/operation-limits.ts';
import type { TrustedDocumentsConfig } from '../trusted/trusted-documents.ts';

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
  /** Dot path, inside each returned item, of the value that equals the requested key; "" when none is named (grouped or map answers, composite keys). */
  keyField: string;
  /** true: many items per key (grouped into a list per key); false: exactly one item per key. */
  many: boolean;
  /** How `{keys}` renders in a query parameter: `comma` (ids=1,2) or `repeat` (ids=1&ids=2). */
  keyStyle: 'comma' | 'repeat';
  /** How the answer lays out its items (`answer:`); `{ kind: 'list' }` when absent, as before. */
  answer: BatchAnswerConfig;
  /**
   * Composite keys (`keyFields: [tenantId, customerId]`): the fields, in each item (or group),
   * that together equal the key. Undefined for a one-field key (`keyField`).
   */
  keyFields: readonly string[] | undefined;
  /** Between a composite key's parts when it is sent as text (`keys=1:7,2:9`); default `:`. */
  keySeparator: string;
  /**
   * true: the keys of concurrent requests for this operation (same params and forwarded headers)
   * go out in one call, gathered over one event-loop turn; each request still sees only its own.
   */
  acrossRequests: boolean;
}

/**
 * The layout of a batch answer, at the operation's `result` path:
 * - `list`: a flat list of items, each carrying its key (`keyField`/`keyFields`);
 * - `grouped`: a list of groups, each with its key at `keyPath` (or `keyFields`) and its value
 *   (a list of items, or one item) at `valuePath`;
 * - `map`: an object whose property names are the keys (`{ "1": {...} }`), the value at
 *   `valuePath` inside each entry (whole entry when empty).
 */
export type BatchAnswerConfig =
  | { kind: 'list' }
  | { kind: 'grouped'; keyPath: string; valuePath: string }
  | { kind: 'map'; valuePath: string };

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
  /** How the answer signals a failure and where its data is; replaces the connector's (false: none). */
  envelope?: EnvelopeConfig | false | undefined;
  /** Follow a paged list upstream over several calls, up to a cap. */
  pagination?: PaginationConfig | undefined;
  /** `mutates: true`: the call changes something upstream even though it may be a GET; marked traffic then never reaches production without a shadow (isolation). */
  mutates?: boolean | undefined;
}

/**
 * An answer that signals failure in its body (`{ code: 0, msg: "", data: … }`, HTTP 200): when it
 * is a failure, where its data is, and what of it may reach the caller.
 */
export interface EnvelopeConfig {
  /** CEL over `body`; true means the answer is a failure. Absent: never a failure. */
  failWhen: string | undefined;
  /** Dot path of the data inside the body, taken before `result:`; empty = the whole body. */
  data: string;
  /** Dot path of the value that becomes the error's `extensions.upstreamCode`. */
  code: string | undefined;
  /** Dot path of the upstream's message; it reaches callers only when `messageSafe`. */
  message: string | undefined;
  messageSafe: boolean;
  /** Upstream codes (compared as text) that are worth a retry; by default body failures are not retried. */
  retryOn: readonly string[];
}

/** How a list upstream pages: by cursor, page number or item offset. */
export interface PaginationConfig {
  style: 'cursor' | 'page' | 'offset';
  /** Most calls for one list, the first included. */
  maxPages: number;
  /** Items per page: sent as `sizeParam`; for page and offset styles a shorter page is the last. */
  pageSize: number | undefined;
  /** The declared param whose value is how many items the field needs; absent = every page up to maxPages. */
  limitParam: string | undefined;
  /** cursor: dot path of the next page's cursor in the body; absent, null or "" = last page. */
  cursorPath: string;
  /** The query parameter that carries the cursor, page number or offset. */
  requestParam: string;
  /** page: the first page's number (0 or 1). */
  firstPage: number;
  /** Query parameter carrying pageSize on every call; absent = not sent. */
  sizeParam: string | undefined;
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
  /** Identical calls in flight at once share one upstream call (no cache afterwards). */
  coalesce?: boolean | undefined;
}

/** One forwarded caller header: read from the caller's `from`, sent upstream as `to` (both lowercase). */
export interface ForwardedHeader {
  from: string;
  to: string;
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
  /** Caller request headers passed on to every call (`forwardHeaders:`), names lowercased. */
  forwardHeaders: readonly ForwardedHeader[];
  timeoutMs: number;
  resilience: ConnectorResilienceConfig;
  /** Applies to every operation that has no `envelope` of its own. */
  envelope?: EnvelopeConfig | undefined;
  /** `/readyz` waits until a TCP connection to `baseUrl` has opened once (`readinessCheck: true`). */
  readinessCheck?: boolean | undefined;
  /** What marked (stress, preview) traffic may do without a shadow target (`isolation:`); absent = gateway.yaml's `isolation.unshadowed`. */
  isolation?: ConnectorIsolation | undefined;
  /** Where marked traffic goes instead of `baseUrl` / `address` (`shadow:`). */
  shadow?: ShadowConfig | undefined;
  operations: Record<string, OperationConfig>;
  sourceMap: SourceMap;
}

/**
 * What a marked request does at a connector without a shadow target: `required` fails the
 * fields that depend on it (ISOLATION_REQUIRED, no call), `forward` calls production with the
 * mark forwarded, for upstreams that isolate marked traffic themselves.
 */
export type ConnectorIsolation = 'required' | 'forward';

/** A connector's shadow target: the whole connector's (`baseUrl`, gRPC `address`), and per-operation overrides. */
export interface ShadowConfig {
  /** HTTP: the shadow upstream's absolute URL. gRPC: its `host:port`. Absent: only the listed operations have a shadow. */
  target: string | undefined;
  /** Per operation: its own target and (HTTP) path template; an operation listed here has a shadow even without `target`. */
  operations: Record<string, { target: string | undefined; path: string | undefined }>;
}

/** gateway.yaml's `isolation:`, defaults applied. */
export interface IsolationConfig {
  /** The request header carrying the mark, lowercased (default `x-tessera-traffic`); forwarded upstream under the same name. */
  header: string;
  /** The marks a request may carry (default stress, preview); `production` is the unmarked traffic's label. */
  marks: readonly string[];
  /** Caller ids allowed to send a mark; undefined = every caller. */
  allowedCallers: readonly string[] | undefined;
  /** What a mark from a caller not allowed to send one does: `refuse` (403) or `ignore` (served as production). */
  unallowed: 'refuse' | 'ignore';
  /** Connectors that declare neither `shadow` nor `isolation`: read-only operations, and the others (non-GET or `mutates`). */
  unshadowed: { reads: ConnectorIsolation; writes: ConnectorIsolation };
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

/** gateway.yaml's `redis:`, as written (defaults in scale-out/redis-settings.ts). */
export interface RedisConfig {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string;
  /** TLS even for a `redis://` URL. */
  tls?: boolean | undefined;
  /** Starts every key the gateway writes. */
  keyPrefix?: string | undefined;
  /** Longest wait for one Redis command before the gateway goes on without it. */
  commandTimeoutMs?: number | undefined;
  connectTimeoutMs?: number | undefined;
  /** How many replicas share the limits: while Redis is unreachable each allows limit / replicas. */
  replicas?: number | undefined;
  /** How long past its TTL a shared cache entry still answers when the upstream fails (0: never). */
  staleIfErrorMs?: number | undefined;
  /** Longest a replica waits for another one's call of the same key before calling itself. */
  lockWaitMs?: number | undefined;
  /** Larger answers stay in the replica's own cache only. */
  maxEntryBytes?: number | undefined;
}

/** The optional `gateway.yaml`: how the gateway protects itself. Absent values mean the default. */
export interface GatewayConfig {
  server: {
    requestTimeoutMs?: number | undefined;
    maxInFlight?: number | undefined;
    maxEventLoopDelayMs?: number | undefined;
    shutdownGraceMs?: number | undefined;
    maxBodyBytes?: number | undefined;
    headersTimeoutMs?: number | undefined;
    bodyTimeoutMs?: number | undefined;
    maxConnections?: number | undefined;
  };
  rateLimits: {
    /** Applies to every caller without a limit of its own (and to every request while authentication is off). */
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
  /** Identical queries in flight share one execution (`sharing:`); absent = on for every query and caller. */
  sharing?: {
    /** false: every request runs on its own. */
    operations: boolean;
    /** GraphQL operation names that always run on their own. */
    exceptOperations: string[];
    /** Callers (callers.yaml ids) whose requests always run on their own. */
    exceptCallers: string[];
  };
  /** Prometheus metrics (`metrics:`); absent = off. */
  metrics?: {
    enabled: boolean;
    /** Serve /metrics on this port instead of the GraphQL port (0: any free port). */
    port?: number | undefined;
    /** Caller ids labelled by name; every other caller is `other`. */
    callers: string[];
    /** Distinct operation names labelled before the rest collapse into `other` (default 100). */
    maxOperationNames?: number | undefined;
  } | undefined;
  /** OpenTelemetry traces (`tracing:`); absent = off. */
  tracing?: {
    enabled: boolean;
    /** `otlp` (OTLP/HTTP JSON to a collector, the default) or `console` (spans printed to stdout). */
    exporter?: 'otlp' | 'console' | undefined;
    /** The collector's OTLP/HTTP traces URL (default: the OTLP exporter's own, `http://localhost:4318/v1/traces`). */
    endpoint?: string | undefined;
    /** Headers sent with every export (a collector's auth token). */
    headers?: Record<string, string> | undefined;
    /** The `service.name` of every span (default `tessera`). */
    serviceName?: string | undefined;
    /** Share of new traces recorded, 0..1 (default 1); a caller's sampled flag decides for traces it started. */
    sampleRatio?: number | undefined;
  } | undefined;
  /** Stress and preview traffic (`isolation:`), defaults applied when the section is absent. */
  isolation?: IsolationConfig | undefined;
  /** Operation limits (`limits:`), gateway-wide and per caller id; absent = the defaults. */
  limits?: LimitsConfig | undefined;
  /** CORS for browser callers (`cors:`); absent = off: no cross-origin page may read an answer. */
  cors?: {
    /** Exact origins (scheme://host[:port]) whose pages may call /graphql. */
    origins: string[];
    /** How long a browser may cache a preflight's answer. */
    maxAgeSec: number;
  } | undefined;
  /** Persisted operations (`trustedDocuments:`): manifests and each caller's mode; absent = off. */
  trustedDocuments?: TrustedDocumentsConfig | undefined;
  /** Hot reload (`reload:`); absent = the defaults. */
  reload?: {
    /** false: `tessera serve` does not watch the config folder (SIGHUP and the admin endpoint still reload). */
    watch?: boolean | undefined;
    /** Quiet time after the last file event before a reload starts (default 200 ms). */
    debounceMs?: number | undefined;
    /** Bearer token of `POST /admin/reload`; absent or empty = the endpoint is off. */
    adminToken?: string | undefined;
  } | undefined;
  /** What stateless replicas share through Redis (`redis:`): response caches and rate limits; absent = everything in-process. */
  redis?: RedisConfig | undefined;
  /** The operator's console and its admin JSON API (`console:`); absent = off. */
  console?: {
    enabled: boolean;
    /** Bearer token of /console and /admin/api/*; absent = reload.adminToken's. */
    adminToken?: string | undefined;
    /** Verified callers (callers.yaml) holding this scope may use the console too. */
    scope?: string | undefined;
  } | undefined;
}

/**
 * `callers.yaml` (next to gateway.yaml): who may call and how they prove it. Absent = mode `off`
 * (no check at all, the embedded demo's behaviour).
 */
export interface CallersConfig {
  /** `required`: no or a bad credential is a 401; `optional`: no credential is the `anonymous` caller; `off`: nothing is checked. */
  mode: 'required' | 'optional' | 'off';
  /** Declared callers by id: their API keys (sha256 hex) and scopes. */
  callers: Record<string, CallerConfig>;
  /** Scopes of the `anonymous` caller (mode `optional`, no credential). */
  anonymousScopes: string[];
  jwt: JwtConfig | undefined;
}

export interface CallerConfig {
  /** sha256 of each API key, lowercase hex: several during a rotation. */
  keyHashes: string[];
  scopes: string[];
}

/** How bearer tokens are verified: one of `jwksFile`, `jwksUrl` or `secret`. */
export interface JwtConfig {
  issuer: string[];
  audience: string[];
  /** A JWKS read from a file at load time (its path resolved next to callers.yaml). */
  jwks?: { keys: Record<string, unknown>[] } | undefined;
  jwksFile?: string | undefined;
  jwksUrl?: string | undefined;
  /** HS256 shared secret (at least 32 characters). */
  secret?: string | undefined;
  /** Accepted `alg` values; absent = HS256 for a secret, the asymmetric JWS algorithms for a JWKS. */
  algorithms: string[] | undefined;
  clockToleranceSec: number;
  /** The claim that names the caller (default `sub`). */
  callerClaim: string;
  /** Most verified tokens kept (each until its `exp`). */
  maxCachedTokens: number;
  /** jwksUrl: how long fetched keys are used before they are fetched again. */
  jwksCacheMaxAgeMs: number;
  /** jwksUrl: after a fetch, how long a token with an unknown `kid` waits before it may trigger another. */
  jwksCooldownMs: number;
}

/** Everything read from disk: shape-checked, meaning not yet checked (that is blueprint/'s job). */
export interface Config {
  connectors: ConnectorConfig[];
  schemaFiles: SchemaFile[];
  gateway: GatewayConfig;
  /** callers.yaml; undefined when there is none (mode off). */
  callers?: CallersConfig | undefined;
}
