/**
 * A tiny deterministic PRNG (mulberry32) seeded from a string. The demo data must be the same on
 * every run and every machine, so tests and benchmarks can state exact expectations; Math.random
 * is never used.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** true with the given probability (0..1). */
  chance(probability: number): boolean;
}

/** FNV-1a: a stable 32-bit hash of a string, used as the PRNG seed. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Creates a PRNG whose sequence depends only on `seed` (e.g. `"customer:42"`). */
export function seededRandom(seed: string): SeededRandom {
  let state = hashString(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (probability) => next() < probability,
  };
}

/** Formats epoch milliseconds as an ISO-8601 UTC timestamp without milliseconds. */
export function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A fixed "now" for the demo world (2025-06-01T00:00:00Z), so dates never drift between runs. */
export const DEMO_NOW_MS = Date.UTC(2025, 5, 1);

/** One day in milliseconds. */
export const DAY_MS = 86_400_000; // 24 h
