import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { UpstreamCallStats } from '../execute/loaders.ts';
import type { CallerIdentity } from '../callers/caller-identity.ts';

/** What every log line and upstream call of one request needs to know about it. */
export interface RequestContext {
  requestId: string;
  /** The verified caller's id (`caller.id`); undefined while authentication is off. Never read from a header. */
  callerId: string | undefined;
  /** The verified caller and its scopes (callers.yaml); undefined while authentication is off. */
  caller?: CallerIdentity | undefined;
  /**
   * The request's traffic mark (`stress`, `preview`; undefined = production), read once by the
   * server before either door (server/traffic-mark.ts). Everything downstream keeps marked
   * traffic apart by it: upstream targets, pipelines, caches, batches, logs and metrics.
   */
  traffic?: string | undefined;
  /** performance.now() at arrival, for the access log's duration. */
  startedAt: number;
  /**
   * The caller's request headers as Node parsed them: both doors hand these same values to the
   * executor for `forwardHeaders`, so a header is forwarded identically whichever door served it.
   * Never logged (they may carry credentials).
   */
  callerHeaders?: Readonly<Record<string, string | string[] | undefined>> | undefined;
  /** performance.now() time by which the request must be answered; upstream calls get what is left. */
  deadlineAt?: number | undefined;
  /** Filled in by the executor, read by the access log. */
  operationName?: string | undefined;
  upstreamCalls?: Record<string, UpstreamCallStats> | undefined;
  /** Set when the request joined an identical query in flight: that request's id (its line lists the calls). */
  sharedWith?: string | undefined;
  /** Why the gateway refused the request (a stable code), for its one access-log line. */
  refusal?: string | undefined;
  /** A /graphql request the metrics count once its answer is sent. */
  metered?: boolean | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` visible to every async continuation it starts (timers, sockets, promises). */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the request being served, or undefined outside any request. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** A fresh request id. */
export function newRequestId(): string {
  return randomUUID();
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Accepts a caller's `x-request-id` only if it is short and plain, so that a caller cannot
 * inject log lines or huge values; anything else gets a generated id.
 */
export function requestIdFrom(headerValue: string | undefined): string {
  return headerValue !== undefined && SAFE_ID.test(headerValue) ? headerValue : newRequestId();
}

/** True if a caller-supplied identifier is safe to log as is. */
export function isSafeIdentifier(value: string): boolean {
  return SAFE_ID.test(value);
}
