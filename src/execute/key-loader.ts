import { FetchFailure } from './fetch-failure.ts';

/** Sends one call's keys (at most `maxSize`): one value per key, in order. May reject; the loader then fails those keys. */
export type BatchFn = (keys: readonly unknown[]) => Promise<unknown[]>;

/** Keys waiting for the same dispatch: `done` settles once all its calls have answered. */
class Batch {
  readonly keys: unknown[] = [];
  readonly ids: string[] = [];
  settle!: () => void;
  readonly done = new Promise<void>((resolve) => (this.settle = resolve));
}

const resolved = Promise.resolve();

/**
 * Runs `fn` after the promise jobs already queued and the ones they queue in turn, as DataLoader
 * schedules its batches: fields whose parents' fetches resolve in the same turn still share a call.
 */
function afterPromiseJobs(fn: () => void): void {
  void resolved.then(() => process.nextTick(fn));
}

/**
 * One request's loader for one batched operation with the same non-key params: DataLoader's
 * batching and per-request cache, set at a time. A level asks for all its keys in one
 * `loadMany`, which costs one promise for the level instead of a promise, a cache entry promise
 * and a Promise.all slot per key (customers50 in `npm run bench`: 100 keys per request).
 *
 * Keys are cached by `String(key)`: a key asked again, in this batch or a later one, is never sent
 * again. Keys asked in the same turn (see afterPromiseJobs) go out together, split at `maxSize`.
 * A failed call's keys get a FetchFailure value, cached like an item, never a rejection.
 */
export class KeyLoader {
  readonly #maxSize: number;
  readonly #send: BatchFn;
  /** Key → its value once answered, or the batch that will answer it. */
  readonly #entries = new Map<string, unknown>();
  #pending: Batch | undefined;

  constructor(maxSize: number, send: BatchFn) {
    this.#maxSize = maxSize;
    this.#send = send;
  }

  /** One value per key, in order: the item, [] or a FetchFailure; never rejects. */
  loadMany(keys: readonly unknown[]): Promise<unknown[]> {
    const entries = this.#entries;
    const ids = new Array<string>(keys.length);
    let waitFor: Batch | undefined;
    let waitForMore: Set<Batch> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const id = String(key);
      ids[i] = id;
      let entry = entries.get(id);
      if (entry === undefined) entry = this.#enqueue(key, id);
      else if (!(entry instanceof Batch)) continue; // answered: an item, [] or a FetchFailure
      const batch = entry as Batch;
      if (waitFor === undefined || waitFor === batch) waitFor = batch;
      else (waitForMore ??= new Set()).add(batch);
    }
    if (waitFor === undefined) return Promise.resolve(ids.map((id) => entries.get(id)));
    const done = waitForMore ? Promise.all([waitFor, ...waitForMore].map((b) => b.done)) : waitFor.done;
    return done.then(() => ids.map((id) => entries.get(id)));
  }

  #enqueue(key: unknown, id: string): Batch {
    let batch = this.#pending;
    if (!batch) {
      const created = (batch = this.#pending = new Batch());
      afterPromiseJobs(() => this.#dispatch(created));
    }
    batch.keys.push(key);
    batch.ids.push(id);
    this.#entries.set(id, batch);
    return batch;
  }

  #dispatch(batch: Batch): void {
    this.#pending = undefined;
    const { keys, ids } = batch;
    const maxSize = this.#maxSize;
    const calls: Promise<void>[] = [];
    for (let from = 0; from < keys.length; from += maxSize) {
      const chunk = keys.length <= maxSize ? keys : keys.slice(from, from + maxSize);
      calls.push(this.#call(chunk, ids, from));
    }
    if (calls.length === 1) void calls[0]!.then(batch.settle);
    else void Promise.all(calls).then(batch.settle);
  }

  async #call(keys: readonly unknown[], ids: readonly string[], from: number): Promise<void> {
    const entries = this.#entries;
    let values: unknown[];
    try {
      values = await this.#send(keys);
    } catch (error) {
      const failure = new FetchFailure(error);
      values = keys.map(() => failure);
    }
    // `?? null`: an answered key must never read as absent (undefined), or it would be sent again.
    for (let i = 0; i < keys.length; i++) entries.set(ids[from + i]!, values[i] ?? null);
  }
}
