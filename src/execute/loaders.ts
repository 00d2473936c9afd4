import DataLoader from 'dataloader';
import type { CompiledOperation } from '../blueprint/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { SendFn, UpstreamRequest } from '../transports/transport.ts';
import type { ConcurrencyLimit } from '../resilience/index.ts';
import { renderRequest, type ParamValues } from './render-request.ts';
import { readResult } from './read-result.ts';
import { FetchFailure } from './fetch-failure.ts';
import { batchAnswerItems } from './match-items.ts';
import { KeyLoader } from './key-loader.ts';
import { loadPages } from './paginate.ts';
import type { SharedBatches } from './shared-batches.ts';
import { forwardedHeaders, type CallerHeaders } from './forwarded-headers.ts';

/** What one request learnt about its upstream calls: shown by the explain header and the access log. */
export interface UpstreamCallStats {
  calls: number;
  /** Keys per call, for batched operations. */
  batchSizes: number[];
  failures: number;
  /** Retries made by resilience/retry.ts within the connector's retry budget. */
  retries: number;
  /** Calls answered by the response cache or by an identical call already in flight. */
  cacheHits: number;
  /** Calls that carried other requests' keys too (`batch.acrossRequests`); absent when none did. */
  sharedCalls?: number;
  /** Calls answered by an identical call another request had in flight (`coalesce: true`); absent when none were. */
  coalesced?: number;
  /** Paged lists cut short by `pagination.maxPages` while more items were wanted; absent when none were. */
  maxPagesReached?: number;
  /** Marked requests only: where this operation's calls went for the mark (`shadow http://…`, `production (mark forwarded)`, `refused: …`). */
  target?: string;
}

export interface LoaderRuntime {
  /** The connector's protected send (resilience/), shared by every request. */
  sendFor(op: CompiledOperation): SendFn;
  /** `performance.now()` time by which this request must be answered; every call gets only what is left. */
  deadlineAt: number | undefined;
  /** Headers forwarded on every upstream call of this request (request id, …). */
  headers: Readonly<Record<string, string>>;
  /** The caller's request headers (Node's, names lowercased), read only by connectors with `forwardHeaders`. */
  callerHeaders?: CallerHeaders | undefined;
  /** Bounds this request's concurrent upstream calls (its fan-out budget). */
  limit: ConcurrencyLimit;
  stats: Map<string, UpstreamCallStats>;
  onUpstreamError(error: UpstreamError, request: UpstreamRequest): void;
  /** Where operations with `batch.acrossRequests` send their keys, shared by every request of the same traffic. */
  sharedBatches?: SharedBatches | undefined;
  /** The request's traffic mark (stress, preview); undefined = production. */
  traffic?: string | undefined;
  /** The caller's relevant scope set (undefined: authentication off): calls are shared in flight, and keys pooled, only within one. */
  sharingScope?: string | undefined;
  /** The header carrying the mark upstream: a connector's `forwardHeaders` never pass a caller's value of it on. */
  markHeader?: string | undefined;
}

/**
 * The loaders of one request. They are per request, never shared: a loader's cache holds one
 * caller's answers, and sharing it would leak data between callers. One loader exists per
 * (operation, non-key params), so calls that differ only in their keys share a batch. Batched
 * operations load a level's keys at once (key-loader.ts); unbatched ones go through DataLoader,
 * which de-duplicates identical calls.
 *
 * A failed call gives its keys a FetchFailure value, never a rejection: the fetch phase then
 * waits for a whole level without a catch per key. The failure is cached for the rest of the
 * request, as DataLoader caches a rejection.
 */
export class RequestLoaders {
  readonly #runtime: LoaderRuntime;
  /** Batched operations: one loader per (operation, non-key params). */
  readonly #keyLoaders = new Map<string, KeyLoader>();
  /** Unbatched operations: one DataLoader per operation, de-duplicating identical calls. */
  readonly #loaders = new Map<string, DataLoader<unknown, unknown, string>>();
  /** The forwarded headers that must match for two requests' keys to share a call: all but the request id (worked out on first use). */
  #headersId: string | undefined;
  /** Per connector with `forwardHeaders`: its calls' headers and their pooling id, built on first use. */
  #forwarded: Map<string, { headers: Readonly<Record<string, string>>; id: string }> | undefined;

  constructor(runtime: LoaderRuntime) {
    this.#runtime = runtime;
  }

  /** Loads the values of a batched operation for `keys`: per key, its item, [] or a FetchFailure; never rejects. */
  loadKeys(op: CompiledOperation, params: ParamValues, keys: readonly unknown[]): Promise<unknown[]> {
    if (this.#runtime.traffic !== undefined) {
      const routed = this.#routeMarked(op);
      if (routed instanceof FetchFailure) return Promise.resolve(keys.map(() => routed));
      op = routed;
    }
    const id = loaderId(op.id, params);
    let loader = this.#keyLoaders.get(id);
    if (!loader) {
      loader = new KeyLoader(op.batch!.maxSize, (batch) => (op.batch!.acrossRequests ? this.#joinShared(id, op, params, batch) : this.#batch(op, params, batch)));
      this.#keyLoaders.set(id, loader);
    }
    return loader.loadMany(keys);
  }

  /** Loads an unbatched operation once per distinct params (identical calls are de-duplicated): the answer, or a FetchFailure. */
  loadSingle(op: CompiledOperation, params: ParamValues): Promise<unknown> {
    if (this.#runtime.traffic !== undefined) {
      const routed = this.#routeMarked(op);
      if (routed instanceof FetchFailure) return Promise.resolve(routed);
      op = routed;
    }
    let loader = this.#loaders.get(op.id);
    if (!loader) {
      loader = new DataLoader(
        (list) => Promise.all(list.map((p) => this.#single(op, p as ParamValues).catch((error: unknown) => new FetchFailure(error)))),
        { batch: false, cacheKeyFn: (p) => stableJson(p) },
      );
      this.#loaders.set(op.id, loader);
    }
    return loader.load(params);
  }

  /**
   * Makes one call of a mutation field: never de-duplicated with an identical one (two fields
   * mean two writes), never pooled with other requests. The answer, or a FetchFailure.
   */
  callOnce(op: CompiledOperation, params: ParamValues): Promise<unknown> {
    if (this.#runtime.traffic !== undefined) {
      const routed = this.#routeMarked(op);
      if (routed instanceof FetchFailure) return Promise.resolve(routed);
      op = routed;
    }
    return this.#single(op, params).catch((error: unknown) => new FetchFailure(error));
  }

  /**
   * Where a marked request's call of `op` goes (decided at boot, blueprint/compile-isolation.ts):
   * the shadow operation, production itself (the mark is forwarded), or nowhere: then the
   * fields that depend on it fail with ISOLATION_REQUIRED and no call is made. The target is
   * noted in the stats, for explain and the access log.
   */
  #routeMarked(op: CompiledOperation): CompiledOperation | FetchFailure {
    const marked = op.marked;
    if (marked === undefined) return op;
    this.#statsOf(op).target = marked.label;
    if (marked.kind === 'shadow') return marked.operation;
    if (marked.kind === 'forward') return op;
    return new FetchFailure(
      new UpstreamError(ErrorCodes.ISOLATION_REQUIRED, `Not called for ${this.#runtime.traffic!} traffic: ${marked.reason}`, {
        details: { connector: op.connector, operation: op.name },
        httpStatus: 503,
      }),
    );
  }

  async #single(op: CompiledOperation, params: ParamValues): Promise<unknown> {
    const request = renderRequest(op, params, undefined, this.#headersOf(op));
    if (op.pagination) return loadPages(op, params, request, (page) => this.#send(op, page, 0), () => this.#countMaxPages(op));
    const body = await this.#send(op, request, 0);
    try {
      return readResult(op, body);
    } catch (error) {
      throw this.#refused(op, request, error);
    }
  }

  async #batch(op: CompiledOperation, params: ParamValues, keys: readonly unknown[]): Promise<unknown[]> {
    try {
      const request = renderRequest(op, params, keys, this.#headersOf(op));
      const body = await this.#send(op, request, keys.length);
      try {
        return batchAnswerItems(op, body, keys);
      } catch (error) {
        throw this.#refused(op, request, error);
      }
    } catch (error) {
      // One failure object for the whole batch: it is only ever read.
      const failure = new FetchFailure(error);
      return keys.map(() => failure);
    }
  }

  /** Hands this request's keys to the batch shared with concurrent requests (shared-batches.ts). */
  #joinShared(loaderId: string, op: CompiledOperation, params: ParamValues, keys: readonly unknown[]): Promise<unknown[]> {
    const runtime = this.#runtime;
    const shared = runtime.sharedBatches;
    // A full call has no room for anyone else's keys: it goes out alone, at once.
    if (!shared || !shared.pooling || keys.length >= op.batch!.maxSize) return this.#batch(op, params, keys);
    const share = { keys, deadlineAt: runtime.deadlineAt, stats: this.#statsOf(op), onUpstreamError: runtime.onUpstreamError, sharingScope: runtime.sharingScope };
    // Waiting on a shared call counts against this request's fan-out budget like a call of its own.
    const forwarded = op.forwardHeaders === undefined ? undefined : this.#forwardedOf(op);
    const batchId = loaderId + (forwarded ? forwarded.id : (this.#headersId ??= headersId(runtime.headers))) + (runtime.sharingScope === undefined ? '' : `\n${runtime.sharingScope}`);
    const headers = forwarded ? forwarded.headers : runtime.headers;
    return runtime.limit.run(() => shared.join(batchId, op, params, headers, share));
  }

  /** The headers of `op`'s calls in this request: connectors without `forwardHeaders` (nearly all) share the request's one set. */
  #headersOf(op: CompiledOperation): Readonly<Record<string, string>> {
    return op.forwardHeaders === undefined ? this.#runtime.headers : this.#forwardedOf(op).headers;
  }

  /**
   * For a connector with `forwardHeaders`: the request's headers plus the declared caller
   * headers (a loop over a few names, once per connector and request), and the id that keeps
   * pooled calls with other values apart.
   */
  #forwardedOf(op: CompiledOperation): { headers: Readonly<Record<string, string>>; id: string } {
    const runtime = this.#runtime;
    const forward = op.forwardHeaders!;
    const cached = this.#forwarded?.get(op.connector);
    if (cached) return cached;
    const headers = forwardedHeaders(runtime.headers, runtime.callerHeaders, forward, runtime.markHeader);
    const entry = { headers, id: headersId(headers) };
    (this.#forwarded ??= new Map()).set(op.connector, entry);
    return entry;
  }

  #countMaxPages(op: CompiledOperation): void {
    const stats = this.#statsOf(op);
    stats.maxPagesReached = (stats.maxPagesReached ?? 0) + 1;
  }

  #statsOf(op: CompiledOperation): UpstreamCallStats {
    const stats = this.#runtime.stats;
    let own = stats.get(op.id);
    if (!own) {
      own = { calls: 0, batchSizes: [], failures: 0, retries: 0, cacheHits: 0 };
      stats.set(op.id, own);
    }
    return own;
  }

  /** An answer that came but does not fit its declaration is a failed call too: counted and logged like one. */
  #refused(op: CompiledOperation, request: UpstreamRequest, error: unknown): unknown {
    this.#statsOf(op).failures += 1;
    if (error instanceof UpstreamError) this.#runtime.onUpstreamError(error, request);
    return error;
  }

  async #send(op: CompiledOperation, request: UpstreamRequest, batchSize: number): Promise<unknown> {
    const runtime = this.#runtime;
    const stats = this.#statsOf(op);
    stats.calls += 1;
    if (op.batch) stats.batchSizes.push(batchSize);
    try {
      const response = await runtime.limit.run(() => runtime.sendFor(op)(request, { deadlineAt: runtime.deadlineAt, observer: stats, batchSize: op.batch ? batchSize : undefined, sharingScope: runtime.sharingScope }));
      return response.body;
    } catch (error) {
      stats.failures += 1;
      if (error instanceof UpstreamError) runtime.onUpstreamError(error, request);
      throw error;
    }
  }
}

/**
 * Names the loader of (operation, non-key params) for every level loaded, so it must be cheap:
 * strings are used as they are and objects (the plan's field list, list arguments) are
 * serialised once per object, not once per key. Params are never mutated after they are built.
 */
function loaderId(opId: string, params: ParamValues): string {
  const names = Object.keys(params);
  if (names.length > 1) names.sort();
  let id = opId;
  for (const name of names) {
    const value = params[name];
    if (value === undefined) continue;
    id += `\u0000${name}=${typeof value === 'string' ? `s${value}` : typeof value === 'object' && value !== null ? objectKey(value) : String(value)}`;
  }
  return id;
}

/** `\u0001name=value…` over every forwarded header but `x-request-id`, sorted; usually empty. */
function headersId(headers: Readonly<Record<string, string>>): string {
  let id = '';
  for (const name of Object.keys(headers).sort()) {
    if (name !== 'x-request-id') id += `\u0001${name}=${headers[name]}`;
  }
  return id;
}

const objectKeys = new WeakMap<object, string>();

function objectKey(value: object): string {
  let key = objectKeys.get(value);
  if (key === undefined) {
    key = `j${stableJson(value)}`;
    objectKeys.set(value, key);
  }
  return key;
}

/** JSON with sorted keys, so `{a, b}` and `{b, a}` name the same loader. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
