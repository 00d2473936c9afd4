import type { Blueprint, FieldFallback } from '../blueprint/index.ts';
import type { PlanField } from '../plan/index.ts';
import type { StaleStore } from '../resilience/index.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { FetchFailure, type FallbackUse } from './fetch-failure.ts';
import { readPath } from '../util/read-path.ts';

/** What `extensions.fallbacks` says about one field that was answered by its `@fallback`. */
export interface FallbackNote {
  path: (string | number)[];
  kind: 'stale' | 'default';
  /** The code of the failure the fallback stands in for. */
  code: string;
  ageMs?: number;
}

/**
 * Identifies "the same field value": the field, its arguments, the parent fields its binding
 * reads and, for upstreams that trim their answer (`{fields}`), the upstream fields asked for, so
 * a value fetched with fewer fields never stands in for a request that needs more.
 */
export function staleKey(blueprint: Blueprint, field: PlanField, args: Readonly<Record<string, unknown>>, parent: object): string {
  const ir = field.ir!;
  let key = `${ir.fallback!.coordinate}\u0000${JSON.stringify(args)}\u0000${field.fetch?.fields?.join(',') ?? '*'}`;
  const parentIRs = blueprint.fields.get(field.parentType);
  for (const name of ir.binding?.parentFields ?? []) key += `\u0000${JSON.stringify(readPath(parent, parentIRs?.get(name)?.from ?? [name]) ?? null)}`;
  return key;
}

/** Keeps a good value for later failures; a list with failed items is not "good". */
export function rememberGood(store: StaleStore, fallback: FieldFallback, key: string, value: unknown): void {
  if (Array.isArray(value) && value.some((item) => item instanceof FetchFailure)) return;
  store.remember(key, value, fallback.staleForMs!);
}

/** The value to serve instead of a failure: the last good one if still fresh, else the default. */
export function chooseFallback(store: StaleStore, fallback: FieldFallback, key: string | undefined): FallbackUse | undefined {
  const stale = key === undefined ? undefined : store.recall(key);
  if (stale) return { value: stale.value, kind: 'stale', ageMs: stale.ageMs };
  if (fallback.hasValue) return { value: fallback.value, kind: 'default' };
  return undefined;
}

/** The note for one served fallback. */
export function fallbackNote(failure: FetchFailure, path: (string | number)[]): FallbackNote {
  const use = failure.fallback!;
  const code = failure.error instanceof GatewayError ? failure.error.code : ErrorCodes.INTERNAL_SERVER_ERROR;
  return use.kind === 'stale' ? { path, kind: 'stale', code, ageMs: use.ageMs ?? 0 } : { path, kind: 'default', code };
}
