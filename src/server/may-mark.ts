import type { IsolationConfig } from '../config/types.ts';

/** Whether `callerId` may send marked traffic with `mark`. */
export type MayMark = (callerId: string | undefined, mark: string) => boolean;

/**
 * Who may send a mark, from gateway.yaml's `isolation.allowedCallers` (absent: everyone). It is
 * keyed on the request context's `callerId`, the caller callers.yaml verified (never a header's
 * claim). One function so that rule has one place, whichever door served the request.
 */
export function createMayMark(settings: Pick<IsolationConfig, 'allowedCallers'>): MayMark {
  const allowed = settings.allowedCallers === undefined ? undefined : new Set(settings.allowedCallers);
  if (!allowed) return () => true;
  return (callerId) => callerId !== undefined && allowed.has(callerId);
}
