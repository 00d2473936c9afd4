import type { SendFn } from '../transports/transport.ts';

/** A resilience wrapper: takes the next `send` and returns a `send` with one protection added. */
export type SendWrapper = (next: SendFn) => SendFn;

/**
 * Folds wrappers over a transport's send, undici's `compose()` idea: the first wrapper is the
 * outermost, so `compose(send, [cache, retry, breaker])` checks the cache before any retry and
 * each retry attempt passes through the breaker. Runs once per connector at boot.
 */
export function compose(send: SendFn, wrappers: readonly SendWrapper[]): SendFn {
  let composed = send;
  for (let i = wrappers.length - 1; i >= 0; i--) {
    composed = wrappers[i]!(composed);
    if (typeof composed !== 'function' || composed.length !== 2) {
      throw new TypeError(`Tessera invariant failed: resilience wrapper #${i} must return a (request, options) => Promise function`);
    }
  }
  return composed;
}
