import type { JsonReply, Route } from './json-service.ts';
import { agentById, customerById, isCustomerId, ordersOfCustomer, ticketsOfCustomer } from './data.ts';

const NOT_FOUND: JsonReply = { status: 404, body: { error: 'not found' } };

/** CRM: one customer by id, or many by `?ids=`; `?fields=a,b` trims each record to those fields (id always kept). */
export const CRM_ROUTES: readonly Route[] = [
  {
    pattern: '/customers/:id',
    handle: ({ id }, query) => {
      const customer = customerById(id!);
      return customer ? ok({ customer: trimFields(customer, listParam(query, 'fields')) }) : NOT_FOUND;
    },
  },
  {
    pattern: '/customers',
    handle: (_params, query) => {
      const ids = requiredList(query, 'ids');
      if (!Array.isArray(ids)) return ids;
      const fields = listParam(query, 'fields');
      // Ascending id order, not request order: the gateway must match items by key, not by position.
      const items = ids.filter(isCustomerId).sort(byNumber).map((id) => trimFields(customerById(id)!, fields));
      return ok({ items });
    },
  },
];

/**
 * Orders: newest first, at most `?limit=` per customer; batched by `?customerIds=` (a flat list,
 * or grouped per customer at `/orders/grouped`) or one customer by path; `?fields=a,b` trims each order to those fields (id always kept).
 */
export const ORDERS_ROUTES: readonly Route[] = [
  {
    pattern: '/orders',
    handle: (_params, query) => {
      const ids = requiredList(query, 'customerIds');
      if (!Array.isArray(ids)) return ids;
      const limit = limitParam(query);
      if (typeof limit === 'object') return limit;
      const fields = listParam(query, 'fields');
      return ok({ items: ids.filter(isCustomerId).sort(byNumber).flatMap((id) => ordersOfCustomer(id, limit).map((order) => trimFields(order, fields))) });
    },
  },
  {
    // The same orders grouped per customer, as many real batch endpoints answer:
    // `{ groups: [{ customerId, orders: [...] }] }`, with no group for a customer without orders.
    pattern: '/orders/grouped',
    handle: (_params, query) => {
      const ids = requiredList(query, 'customerIds');
      if (!Array.isArray(ids)) return ids;
      const limit = limitParam(query);
      if (typeof limit === 'object') return limit;
      const fields = listParam(query, 'fields');
      const groups = ids
        .filter(isCustomerId)
        .sort(byNumber)
        .map((id) => ({ customerId: id, orders: ordersOfCustomer(id, limit).map((order) => trimFields(order, fields)) }))
        .filter((group) => group.orders.length > 0);
      return ok({ groups });
    },
  },
  {
    pattern: '/customers/:id/orders',
    handle: ({ id }, query) => {
      if (!isCustomerId(id!)) return NOT_FOUND;
      const limit = limitParam(query);
      if (typeof limit === 'object') return limit;
      const fields = listParam(query, 'fields');
      return ok({ items: ordersOfCustomer(id!, limit).map((order) => trimFields(order, fields)) });
    },
  },
];

/** Tickets: optionally only those with `?status=`; batched by `?customerIds=` or one customer by path. */
export const TICKETS_ROUTES: readonly Route[] = [
  {
    pattern: '/tickets',
    handle: (_params, query) => {
      const ids = requiredList(query, 'customerIds');
      if (!Array.isArray(ids)) return ids;
      const status = query.get('status') || undefined;
      return ok({ items: ids.filter(isCustomerId).sort(byNumber).flatMap((id) => ticketsOfCustomer(id, status)) });
    },
  },
  {
    pattern: '/customers/:id/tickets',
    handle: ({ id }, query) => (isCustomerId(id!) ? ok({ items: ticketsOfCustomer(id!, query.get('status') || undefined) }) : NOT_FOUND),
  },
];

/** Agents: one agent by id, or many by `?ids=` (ascending id order). */
export const AGENTS_ROUTES: readonly Route[] = [
  {
    pattern: '/agents/:id',
    handle: ({ id }) => {
      const agent = agentById(id!);
      return agent ? ok({ agent }) : NOT_FOUND;
    },
  },
  {
    pattern: '/agents',
    handle: (_params, query) => {
      const ids = requiredList(query, 'ids');
      if (!Array.isArray(ids)) return ids;
      const items = ids.map((id) => agentById(id)).filter((a) => a !== undefined);
      return ok({ items: items.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1))) });
    },
  },
];

function ok(body: unknown): JsonReply {
  return { status: 200, body };
}

const byNumber = (a: string, b: string): number => Number(a) - Number(b);

/** The distinct values of a list parameter, accepting both `ids=1,2` and `ids=1&ids=2`. */
function listParam(query: URLSearchParams, name: string): string[] {
  const values = query.getAll(name).flatMap((v) => v.split(','));
  return [...new Set(values.filter((v) => v !== ''))];
}

function requiredList(query: URLSearchParams, name: string): string[] | JsonReply {
  const values = listParam(query, name);
  return values.length > 0 ? values : { status: 400, body: { error: `missing query parameter: ${name}` } };
}

/** `?limit=` as a non-negative integer; undefined when absent; a 400 reply when malformed. */
function limitParam(query: URLSearchParams): number | undefined | JsonReply {
  const raw = query.get('limit');
  if (raw === null || raw === '') return undefined;
  if (!/^[0-9]{1,4}$/.test(raw)) return { status: 400, body: { error: `invalid limit: expected a non-negative integer, got "${raw}"` } };
  return Number(raw);
}

/** Upstream field trimming: only the requested top-level fields, plus `id` so answers stay matchable. */
function trimFields<T extends { id: string }>(record: T, fields: readonly string[]): Partial<T> {
  if (fields.length === 0) return record;
  const trimmed: Record<string, unknown> = { id: record.id };
  for (const field of fields) if (Object.hasOwn(record, field)) trimmed[field] = record[field as keyof T];
  return trimmed as Partial<T>;
}
