import { performance } from 'node:perf_hooks';
import type { CompiledOperation } from '../blueprint/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { CallObserver, SendFn, UpstreamRequest } from '../transports/transport.ts';
import { renderRequest, type ParamValues } from './render-request.ts';
import { readPath } from '../util/read-path.ts';
import { FetchFailure } from './fetch-failure.ts';
import { matchItems } from './match-items.ts';
import type { UpstreamCallStats } from './loaders.ts';

/** One request's part in a shared batch: its keys, and where its values and counts go. */
export interface BatchShare {
  keys: readonly unknown[];
  /** `performance.now()` time by which this request must be answered. */
  deadlineAt: number | undefined;
  stats: UpstreamCallStats;
  onUpstreamError(error: UpstreamError, request: UpstreamRequest): void;
}

interface Participant extends BatchShare {
  /** Settles once with one value per key (item or FetchFailure); later calls are ignored. */
  settle(values: unknown[]): void;
  settled: boolean;
}

/** The requests that asked the same operation with the same params and headers in this event-loop turn. */
interface PendingBatch {
  op: CompiledOperation;
  params: ParamValues;
  headers: Readonly<Record<string, string>>;
  participants: Participant[];
}

/**
 * Batches the keys of concurrent requests together, for operations that opt in with
 * `batch: { acrossRequests: true }`. Each request still batches and de-duplicates its own keys
 * (its DataLoader); what its loader would send is held until the end of the current event-loop
 * turn (`setImmediate`), where every request's keys for the same (operation, params, forwarded
 * headers but the request id) go out together, de-duplicated and split at `maxSize`. Under load,
 * dozens of requests reach the same level in one turn, so the upstream sees one call where it
 * would see one per request. An idle gateway pays one event-loop turn, no timer.
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
  readonly #pending = new Map<string, PendingBatch>();
  #scheduled = false;
  readonly #flush = (): void => {
    this.#scheduled = false;
    const batches = [...this.#pending.values()];
    this.#pending.clear();
    for (const batch of batches) void this.#run(batch);
  };

  constructor(sendFor: (op: CompiledOperation) => SendFn) {
    this.#sendFor = sendFor;
  }

  /**
   * Adds one request's keys to the batch `batchId` names (operation, params and forwarded headers):
   * resolves with one value per key, the item or a FetchFailure; never rejects.
   */
  join(batchId: string, op: CompiledOperation, params: ParamValues, headers: Readonly<Record<string, string>>, share: BatchShare): Promise<unknown[]> {
    let batch = this.#pending.get(batchId);
    if (!batch) {
      batch = { op, params, headers, participants: [] };
      this.#pending.set(batchId, batch);
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
    const participants = batch.participants;
    return new Promise((resolve) => {
      const participant: Participant = {
        ...share,
        settled: false,
        settle(values) {
          if (participant.settled) return;
          participant.settled = true;
          resolve(values);
        },
      };
      participants.push(participant);
    });
  }

  async #run(batch: PendingBatch): Promise<void> {
    const { op, participants } = batch;
    const maxSize = op.batch!.maxSize;
    // The union of every request's keys, each once, in order of arrival.
    const unique = new Map<string, unknown>();
    let deadlineAt: number | undefined = -Infinity;
    for (const p of participants) {
      for (const key of p.keys) {
        const id = String(key);
        if (!unique.has(id)) unique.set(id, key);
      }
      deadlineAt = p.deadlineAt === undefined || deadlineAt === undefined ? undefined : Math.max(deadlineAt, p.deadlineAt);
    }
    const keys = [...unique.values()];
    const chunks: unknown[][] = [];
    for (let i = 0; i < keys.length; i += maxSize) chunks.push(keys.slice(i, i + maxSize));
    const stopWatching = this.#watchDeadlines(batch, deadlineAt);

    const values = new Map<string, unknown>();
    const shared = participants.length > 1;
    const whole = chunks.length === 1;
    await Promise.all(chunks.map((chunk) => this.#call(batch, chunk, whole, deadlineAt, shared, values)));
    stopWatching?.();
    for (const p of participants) {
      if (p.settled) continue;
      const own = new Array<unknown>(p.keys.length);
      for (let i = 0; i < p.keys.length; i++) own[i] = values.get(String(p.keys[i]));
      p.settle(own);
    }
  }

  /** One upstream call for `chunk` (`whole`: every key of the batch); its values (or its failure) go into `values` by key. */
  async #call(batch: PendingBatch, chunk: unknown[], whole: boolean, deadlineAt: number | undefined, shared: boolean, values: Map<string, unknown>): Promise<void> {
    const { op, participants } = batch;
    // The requests with a key in this call: they count it as theirs.
    const callers = whole ? participants : participantsOf(participants, chunk);
    const observer: CallObserver = { retries: 0, cacheHits: 0 };
    for (const p of callers) {
      p.stats.calls += 1;
      p.stats.batchSizes.push(chunk.length);
      if (shared) p.stats.sharedCalls = (p.stats.sharedCalls ?? 0) + 1;
    }
    const request = renderRequest(op, batch.params, chunk, batch.headers);
    try {
      const response = await this.#sendFor(op)(request, { deadlineAt, observer });
      const items = readPath(response.body, op.resultPath);
      if (!Array.isArray(items)) {
        throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${op.id} answered without a list of items.`, {
          details: { connector: op.connector, operation: op.name },
        });
      }
      const matched = matchItems(op, items, chunk);
      for (let i = 0; i < chunk.length; i++) values.set(String(chunk[i]), matched[i]);
    } catch (error) {
      for (const p of callers) p.stats.failures += 1;
      if (error instanceof UpstreamError) callers[0]!.onUpstreamError(error, request);
      // One failure object for the whole call: it is only ever read.
      const failure = new FetchFailure(error);
      for (const key of chunk) values.set(String(key), failure);
    } finally {
      for (const p of callers) {
        p.stats.retries += observer.retries;
        p.stats.cacheHits += observer.cacheHits;
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

/** The participants with at least one key in `chunk`. */
function participantsOf(participants: readonly Participant[], chunk: readonly unknown[]): Participant[] {
  const inChunk = new Set(chunk.map(String));
  return participants.filter((p) => p.keys.some((key) => inChunk.has(String(key))));
}
