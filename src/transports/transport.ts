import type { HttpMethod } from '../config/types.ts';

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
  timeoutMs: number;
}

/** The parsed answer of one upstream call. */
export interface UpstreamResponse {
  status: number;
  body: unknown;
}

/**
 * Every protocol implements this one small interface (undici's dispatcher idea): resilience
 * wrappers are functions `(send) => send` and stack over it. `send` rejects only with an
 * `UpstreamError` carrying a stable code.
 */
export interface Transport {
  readonly kind: string;
  send(request: UpstreamRequest, options: { signal?: AbortSignal }): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** The shape resilience wrappers compose over (issue: resilience). */
export type SendFn = Transport['send'];
