import type { HttpMethod } from '../config/types.ts';
import type { CallPolicy } from '../resilience/policy.ts';

/**
 * One upstream request, fully rendered: templates filled, values encoded. Built by
 * blueprint/ + execute/, sent by a transport. Plain data so it can be logged and counted.
 */
export interface UpstreamRequest {
  connector: string;
  operation: string;
  method: HttpMethod;
  /** Absolute origin, e.g. `http://127.0.0.1:4101`. */
  origin: string;
  /** Path plus encoded query string, e.g. `/customers?ids=1%2C2`. */
  path: string;
  headers: Record<string, string>;
  /** Serialized JSON body, if any. */
  body: string | undefined;
  /** Total time this call may take; resilience/deadline.ts lowers it to what the request has left. */
  timeoutMs: number;
  /** The operation's resilience policy, frozen at boot (connect timeout, retries, caching). */
  policy: CallPolicy;
  /** RPC transports (gRPC): the method to call (HTTP's method, origin and body are then unused). */
  rpc?: RpcCall | undefined;
  /** RPC transports: the request message, encoded. */
  payload?: Buffer | undefined;
}

/** One RPC method as a transport calls it: compiled once at boot from the upstream's IDL. */
export interface RpcCall {
  /** `host:port` of the upstream; a transport keeps one channel per address. */
  address: string;
  /** The method's wire name (gRPC: `/package.Service/Method`). */
  path: string;
  /** Decodes an answer into plain data; throws on malformed bytes. */
  decode(bytes: Uint8Array): Record<string, unknown>;
}

/** The parsed answer of one upstream call. */
export interface UpstreamResponse {
  status: number;
  body: unknown;
  /** Size of the body as received, for caches bounded in bytes. */
  bytes: number;
}

/** Per-request counters the wrappers bump, shown by the explain header and the access log. */
export interface CallObserver {
  retries: number;
  cacheHits: number;
  /** Calls answered by an identical call already in flight (`coalesce: true`); absent when none were. */
  coalesced?: number;
}

export interface SendOptions {
  signal?: AbortSignal | undefined;
  /** `performance.now()` time by which the caller's whole request must be answered. */
  deadlineAt?: number | undefined;
  observer?: CallObserver | undefined;
  /** Keys in this call, for batched operations (a span attribute when tracing is on). */
  batchSize?: number | undefined;
  /**
   * The caller's relevant scope set (plan-cache.ts's key for it; undefined while authentication
   * is off): an identical call in flight is shared only within one scope set (coalesce.ts).
   */
  sharingScope?: string | undefined;
  /** Trace context headers for this call, set by the tracing wrapper only (observability/upstream-spans.ts). */
  traceHeaders?: Readonly<Record<string, string>> | undefined;
}

/**
 * Every protocol implements this one small interface (undici's dispatcher idea): resilience
 * wrappers are functions `(send) => send` and stack over it. `send` rejects only with an
 * `UpstreamError` carrying a stable code.
 */
export interface Transport {
  readonly kind: string;
  send(request: UpstreamRequest, options: SendOptions): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** The shape resilience wrappers compose over. */
export type SendFn = (request: UpstreamRequest, options: SendOptions) => Promise<UpstreamResponse>;
