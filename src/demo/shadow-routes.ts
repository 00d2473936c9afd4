import type { JsonReply, Route } from './json-service.ts';

/** What the shadow services put before every name, so marked traffic's answers are visibly not production's. */
export const SHADOW_PREFIX = 'Shadow ';

/**
 * The routes of a demo service's shadow: the same answers, with every string under a key that
 * ends in `name` (`full_name`, `name`) prefixed with "Shadow ". The demo's shadow upstreams serve
 * these, so the same query with and without `x-tessera-traffic: stress` shows which set answered.
 */
export function shadowRoutes(routes: readonly Route[]): Route[] {
  return routes.map((route) => ({
    pattern: route.pattern,
    handle: (params, query) => {
      const reply = route.handle(params, query);
      return reply.status === 200 ? { status: reply.status, body: shadowed(reply.body) } : reply;
    },
  }));
}

function shadowed(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return key.toLowerCase().endsWith('name') ? SHADOW_PREFIX + value : value;
  if (Array.isArray(value)) return value.map((item) => shadowed(item));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shadowed(v, k)]));
  return value;
}

export type { JsonReply };
