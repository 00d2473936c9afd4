/**
 * Freezes a parsed JSON value and everything in it, in place, and returns it. Values the gateway
 * shares between requests (cached upstream answers, stale fallbacks) are frozen so that a bug that
 * writes into one fails loudly in that request instead of changing other callers' answers.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
  } else {
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
