import DataLoader from 'dataloader';
import type { CompiledOperation } from '../blueprint/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import type { SendFn, UpstreamRequest } from '../transports/transport.ts';
import type { ConcurrencyLimit } from '../resilience/index.ts';
import { renderRequest, type ParamValues } from './render-request.ts';
import { readPath } from '../util/read-path.ts';
import { FetchFailure } from './fetch-failure.ts';
import { batchAnswerItems } from './match-items.ts';
import type { SharedBatches } from './shared-batches.ts';

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
}

export interface LoaderRuntime {
  /** The connector's protected send (resilience/), shared by every request. */
  sendFor(op: CompiledOperation): SendFn;
  /** `performance.now()` time by which this request must be answered; every call gets only what is left. */
  deadlineAt: number | undefined;
  /** Headers forwarded on every upstream call of this request (request id, …). */
  headers: Readonly<Record<string, string>>;
  /** Bounds this request's concurrent upstream calls (its fan-out budget). */
  limit: ConcurrencyLimit;
  stats: Map<string, UpstreamCallStats>;
  onUpstreamError(error: UpstreamError, request: UpstreamRequest): void;
  /** Where operations with `batch.acrossRequests` send their keys, shared by every request. */
  sharedBatches?: SharedBatches | undefined;
}

/**
 * The DataLoaders of one request. They are per request, never shared: a loader's cache holds
 * one caller's answers, and sharing it would leak data between callers. One loader exists per
 * (operation, non-key params), so calls that differ only in their keys share a batch.
 *
 * A failed call settles its keys' promises with a FetchFailure value, never a rejection: the
 * fetch phase then waits for a whole level with one Promise.all instead of Promise.allSettled
 * and a catch per key (~5 µs less per 50-key level). DataLoader caches the failure for the rest
 * of the request, as it would cache a rejection.
 */
export class RequestLoaders {
  readonly #runtime: LoaderRuntime;
  readonly #loaders = new Map<string, DataLoader<unknown, unknown, string>>();
  /** The last params object seen by loadKey and its loader: a level's keys share one params object. */
  #lastParams: ParamValues | undefined;
  #lastOp: CompiledOperation | undefined;
  #lastLoader: DataLoader<unknown, unknown, string> | undefined;
  /** The forwarded headers that must match for two requests' keys to share a call: all but the request id (worked out on first use). */
  #headersId: string | undefined;

  constructor(runtime: LoaderRuntime) {
    this.#runtime = runtime;
  }

  /** Loads the value of a batched operation for one key: the item, or a FetchFailure. */
  loadKey(op: CompiledOperation, params: ParamValues, key: unknown): Promise<unknown> {
    if (params === this.#lastParams && op === this.#lastOp) return this.#lastLoader!.load(key);
    const id = loaderId(op.id, params);
    let loader = this.#loaders.get(id);
    if (!loader) {
      loader = new DataLoader((keys) => (op.batch!.acrossRequests ? this.#joinShared(id, op, params, keys) : this.#batch(op, params, keys)), {
        maxBatchSize: op.batch!.maxSize,
        cacheKeyFn: (k) => String(k),
      });
      this.#loaders.set(id, loader);
    }
    this.#lastParams = params;
    this.#lastOp = op;
    this.#lastLoader = loader;
    return loader.load(key);
  }

  /** Loads an unbatched operation once per distinct params (identical calls are de-duplicated): the answer, or a FetchFailure. */
  loadSingle(op: CompiledOperation, params: ParamValues): Promise<unknown> {
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

  async #single(op: CompiledOperation, params: ParamValues): Promise<unknown> {
    const body = await this.#send(op, renderRequest(op, params, undefined, this.#runtime.headers), 0);
    return readPath(body, op.resultPath) ?? null;
  }

  async #batch(op: CompiledOperation, params: ParamValues, keys: readonly unknown[]): Promise<unknown[]> {
    try {
      const request = renderRequest(op, params, keys, this.#runtime.headers);
      return batchAnswerItems(op, await this.#send(op, request, keys.length), keys);
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
    // Keys that fill half a call already share its cost among themselves; pooled with others
    // they would only hold bigger answers for longer (customers50 in `npm run bench`: GC 63 µs
    // per request pooled, 14 alone).
    if (!shared || !shared.pooling || keys.length * 2 >= op.batch!.maxSize) return this.#batch(op, params, keys);
    const share = { keys, deadlineAt: runtime.deadlineAt, stats: this.#statsOf(op), onUpstreamError: runtime.onUpstreamError };
    // Waiting on a shared call counts against this request's fan-out budget like a call of its own.
    const batchId = loaderId + (this.#headersId ??= headersId(runtime.headers));
    return runtime.limit.run(() => shared.join(batchId, op, params, runtime.headers, share));
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

  async #send(op: CompiledOperation, request: UpstreamRequest, batchSize: number): Promise<unknown> {
    const runtime = this.#runtime;
    const stats = this.#statsOf(op);
    stats.calls += 1;
    if (op.batch) stats.batchSizes.push(batchSize);
    try {
      const response = await runtime.limit.run(() => runtime.sendFor(op)(request, { deadlineAt: runtime.deadlineAt, observer: stats }));
      return response.body;
    } catch (error) {
      stats.failures += 1;
      if (error instanceof UpstreamError) runtime.onUpstreamError(error, request);
      throw error;
    }
  }
}

/**
 * Names the loader of (operation, non-key params) for every key loaded, so it must be cheap:
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
