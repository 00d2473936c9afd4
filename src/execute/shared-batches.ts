import { performance } from 'node:perf_hooks';
import type { CompiledOperation } from '../blueprint/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { CallObserver, SendFn, UpstreamRequest } from '../transports/transport.ts';
import { renderRequest, type ParamValues } from './render-request.ts';
import { FetchFailure } from './fetch-failure.ts';
import { batchAnswerItems } from './match-items.ts';
import { LoopBusy } from './loop-busy.ts';
import type { UpstreamCallStats } from './loaders.ts';

/** One request's part in a shared batch: its keys, and where its values and counts go. */
export interface BatchShare {
  keys: readonly unknown[];
  /** `performance.now()` time by which this request must be answered. */
  deadlineAt: number | undefined;
  stats: UpstreamCallStats;
  onUpstreamError(error: UpstreamError, request: UpstreamRequest): void;
  /** The caller's scope set (part of the batch id too): the merged call shares in flight only within it. */
  sharingScope?: string | undefined;
}

interface Participant extends BatchShare {
  /** Where each of its keys sits in the batch's keys. */
  positions: number[];
  /** Settles once with one value per key (item or FetchFailure); later calls are ignored. */
  settle(values: unknown[]): void;
  settled: boolean;
}

/** The requests that asked the same operation with the same params and headers in this event-loop turn. */
interface PendingBatch {
  op: CompiledOperation;
  params: ParamValues;
  headers: Readonly<Record<string, string>>;
  sharingScope: string | undefined;
  participants: Participant[];
  /** Every participant's keys, each once, in order of arrival. */
  keys: unknown[];
  /** Key (as a string) → its position in `keys`. */
  positions: Map<string, number>;
  /** Per call of `maxSize` keys, the requests with a key in it: they count that call as theirs. */
  callers: Participant[][];
}

/**
 * Batches the keys of concurrent requests together, for operations that opt in with
 * `batch: { acrossRequests: true }`. Each request still batches and de-duplicates its own keys
 * (its DataLoader); what its loader would send is held until the end of the current event-loop
 * turn (`setImmediate`), where every request's keys for the same (operation, params, forwarded
 * headers but the request id) go out together, de-duplicated and split at `maxSize`. Under load,
 * dozens of requests reach the same level in one turn, so the upstream sees one call where it
 * would see one per request. A batch that reaches `maxSize` keys goes out at once: waiting would
 * only make it wait. Requests come here only while `pooling` says the gateway is busy, and only
 * with less than a full call's keys (loaders.ts sends a full call alone, at once).
 *
 * Nothing but the call is shared: each request gets only its own keys' values, into its own
 * loader cache. Calls whose forwarded headers differ (a caller's identity, a stress mark) are
 * never merged; the merged call carries the first request's `x-request-id`.
 *
 * The merged call may take as long as its latest request may: a request whose deadline comes
 * sooner stops waiting then (UPSTREAM_TIMEOUT) while the call goes on for the others.
 */
export class SharedBatches {
  readonly #sendFor: (op: CompiledOperation) => SendFn;
  readonly #loop: LoopBusy;
  #pending = new Map<string, PendingBatch>();
  #scheduled = false;
  readonly #flush = (): void => {
    this.#scheduled = false;
    const pending = this.#pending;
    this.#pending = new Map();
    for (const batch of pending.values()) this.#send(batch);
  };

  /** `poolAbove`: the event-loop utilisation (0..1) above which requests pool their keys (0: always). */
  constructor(sendFor: (op: CompiledOperation) => SendFn, poolAbove: number) {
    this.#sendFor = sendFor;
    this.#loop = new LoopBusy(poolAbove);
  }

  /**
   * Whether requests should pool their keys now. Pooling pays off when the gateway is busy:
   * calls saved are CPU saved. On a quiet gateway it would only add latency (requests that
   * arrive together then move through every level together, each waiting for the others'
   * work, ~1 ms per level on the panel at 20 ms upstream delay), so each request sends its own.
   */
  get pooling(): boolean {
    return this.#loop.busy;
  }

  /**
   * Adds one request's keys to the batch `batchId` names (operation, params and forwarded headers):
   * resolves with one value per key, the item or a FetchFailure; never rejects.
   */
  join(batchId: string, op: CompiledOperation, params: ParamValues, headers: Readonly<Record<string, string>>, share: BatchShare): Promise<unknown[]> {
    let batch = this.#pending.get(batchId);
    if (!batch) {
      batch = { op, params, headers, sharingScope: share.sharingScope, participants: [], keys: [], positions: new Map(), callers: [] };
      this.#pending.set(batchId, batch);
    }
    const maxSize = op.batch!.maxSize;
    const { keys, positions, callers } = batch;
    let settle!: (values: unknown[]) => void;
    const joined = new Promise<unknown[]>((resolve) => (settle = resolve));
    const participant: Participant = {
      ...share,
      positions: new Array<number>(share.keys.length),
      settled: false,
      settle(values) {
        if (participant.settled) return;
        participant.settled = true;
        settle(values);
      },
    };
    for (let i = 0; i < share.keys.length; i++) {
      const key = share.keys[i];
      const id = String(key);
      let at = positions.get(id);
      if (at === undefined) {
        at = keys.length;
        positions.set(id, at);
        keys.push(key);
      }
      participant.positions[i] = at;
      const inCall = (callers[Math.floor(at / maxSize)] ??= []);
      if (inCall[inCall.length - 1] !== participant && !inCall.includes(participant)) inCall.push(participant);
    }
    batch.participants.push(participant);
    if (keys.length >= maxSize) {
      this.#pending.delete(batchId);
      this.#send(batch);
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
    return joined;
  }

  /** Runs a batch; whatever goes wrong, every request in it gets an answer (never a hang, never an unhandled rejection). */
  #send(batch: PendingBatch): void {
    this.#run(batch).catch((error: unknown) => {
      const failure = new FetchFailure(error);
      for (const p of batch.participants) p.settle(p.keys.map(() => failure));
    });
  }

  async #run(batch: PendingBatch): Promise<void> {
    const { op, participants, keys } = batch;
    const maxSize = op.batch!.maxSize;
    let deadlineAt: number | undefined = -Infinity;
    for (const p of participants) deadlineAt = p.deadlineAt === undefined || deadlineAt === undefined ? undefined : Math.max(deadlineAt, p.deadlineAt);
    const stopWatching = this.#watchDeadlines(batch, deadlineAt);
    const values = new Array<unknown>(keys.length);
    const shared = participants.length > 1;
    const calls: Promise<void>[] = [];
    for (let i = 0; i < keys.length; i += maxSize) {
      const chunk = keys.length <= maxSize ? keys : keys.slice(i, i + maxSize);
      calls.push(this.#call(batch, chunk, i, batch.callers[i / maxSize]!, deadlineAt, shared, values));
    }
    await Promise.all(calls);
    stopWatching?.();
    for (const p of participants) {
      if (!p.settled) p.settle(shared ? p.positions.map((at) => values[at]) : values);
    }
  }

  /**
   * One upstream call for `chunk`, the keys from `offset` in the batch; its values (or its
   * failure) go into `values` at the same positions.
   */
  async #call(
    batch: PendingBatch,
    chunk: readonly unknown[],
    offset: number,
    callers: readonly Participant[],
    deadlineAt: number | undefined,
    shared: boolean,
    values: unknown[],
  ): Promise<void> {
    const { op } = batch;
    const observer: CallObserver = { retries: 0, cacheHits: 0 };
    for (const p of callers) {
      p.stats.calls += 1;
      p.stats.batchSizes.push(chunk.length);
      if (shared) p.stats.sharedCalls = (p.stats.sharedCalls ?? 0) + 1;
    }
    let request: UpstreamRequest | undefined;
    try {
      request = renderRequest(op, batch.params, chunk, batch.headers);
      const response = await this.#sendFor(op)(request, { deadlineAt, observer, batchSize: chunk.length, sharingScope: batch.sharingScope });
      const matched = batchAnswerItems(op, response.body, chunk);
      for (let i = 0; i < chunk.length; i++) values[offset + i] = matched[i];
    } catch (error) {
      for (const p of callers) p.stats.failures += 1;
      if (error instanceof UpstreamError && request) callers[0]!.onUpstreamError(error, request);
      // One failure object for the whole call: it is only ever read.
      const failure = new FetchFailure(error);
      for (let i = 0; i < chunk.length; i++) values[offset + i] = failure;
    } finally {
      for (const p of callers) {
        p.stats.retries += observer.retries;
        p.stats.cacheHits += observer.cacheHits;
        if (observer.coalesced) p.stats.coalesced = (p.stats.coalesced ?? 0) + observer.coalesced;
      }
    }
  }

  /**
   * Ends the wait of each request whose deadline comes before the call's own (the latest one):
   * one timer for the batch, re-armed for the next deadline in line. None when no request could
   * run out of time before the operation's own timeout ends the call. Returns what stops it.
   */
  #watchDeadlines(batch: PendingBatch, callDeadlineAt: number | undefined): (() => void) | undefined {
    const latestUseful = Math.min(callDeadlineAt ?? Infinity, performance.now() + batch.op.timeoutMs);
    const early = batch.participants.filter((p) => p.deadlineAt !== undefined && p.deadlineAt < latestUseful);
    if (early.length === 0) return undefined;
    early.sort((a, b) => a.deadlineAt! - b.deadlineAt!);
    let next = 0;
    let timer: NodeJS.Timeout | undefined;
    const expire = (): void => {
      const now = performance.now();
      while (next < early.length && early[next]!.deadlineAt! <= now) {
        const p = early[next++]!;
        const failure = new FetchFailure(
          new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, `Upstream ${batch.op.id} did not answer before the request deadline`, {
            details: { connector: batch.op.connector, operation: batch.op.name },
            httpStatus: 504,
          }),
        );
        p.stats.failures += 1;
        p.settle(p.keys.map(() => failure));
      }
      if (next < early.length) {
        timer = setTimeout(expire, Math.max(0, early[next]!.deadlineAt! - now));
        timer.unref();
      }
    };
    timer = setTimeout(expire, Math.max(0, early[0]!.deadlineAt! - performance.now()));
    timer.unref();
    return () => clearTimeout(timer);
  }
}

