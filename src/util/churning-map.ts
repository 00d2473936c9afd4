/**
 * A Map for entries that come and go all the time and live for one request (calls and
 * executions in flight), renewed every few dozen insertions.
 *
 * Why not a plain Map: a Map whose entries keep being added and deleted outgrows its hash table
 * every few dozen insertions, and V8 leaves each outgrown table pointing at its successor (for
 * iterators still walking it), entries and all. A scavenge treats everything in the old
 * generation as alive, so once a long-lived Map's table sits there, every later table is
 * reachable from a dead one, and with each table the requests it held: every scavenge then
 * promotes them, and the chain goes on until the next full collection, which promotes the live
 * table again. Under load a gateway falls into this regime at its first full collection or at
 * random, and stays in it: customers50 promoted ~2 MB per scavenge instead of ~15 KB, +100 MB
 * of RSS and +20 % CPU. A Map renewed this often is young when it outgrows its tables, and a
 * young table chain dies with the scavenge that finds it.
 */
export class ChurningMap<K, V> {
  /** Insertions between renewals: far fewer than requests between two scavenges under load. */
  static readonly RENEW_EVERY = 64;
  #map = new Map<K, V>();
  #insertions = 0;

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  set(key: K, value: V): this {
    if (++this.#insertions >= ChurningMap.RENEW_EVERY) {
      this.#insertions = 0;
      this.#map = new Map(this.#map);
    }
    this.#map.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }
}
