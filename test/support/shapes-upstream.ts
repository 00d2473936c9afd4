import type { ServerResponse } from 'node:http';
import { json, startFakeUpstream, type FakeUpstream, type RecordedCall } from './fake-upstream.ts';

/**
 * A foreign API (customers, their orders, their accounts) that answers its batch endpoints in
 * every layout real APIs use, over the same data, so that a test can bind the same public schema
 * through each and require the same answers:
 *
 * - `GET /customers?ids=1,2` → `{ items: [...] }`; `POST /customers:batchGet { ids, fields }` → `{ customers: [...] }` (trimmed to `fields`)
 * - `/{orders|accounts}/flat?customerIds=1,2` → `{ items: [item, …] }`
 * - `/{…}/grouped?customerIds=1,2` → `[{ customerId, orders: [...] }]` or `[{ customerId, account: {...} }]`
 * - `/{…}/map?customerIds=1,2` → `{ data: { items: { "1": value, … } } }`
 * - `POST /{…}:batchGet { customerIds: [...] }` → `{ items: [...] }`
 * - composite keys (`/t/…`, each key a tenantId + customerId): `keys=t1:1,t2:7`, repeated
 *   `key=t1:1&key=t2:7`, or a POST body `{ keys: [{ tenantId, customerId }] }`; their answers carry
 *   a decoy item for the same customer id under another tenant, which must never match.
 *
 * Every answer comes back in reverse order. `limit` caps each customer's orders.
 */
export const CUSTOMER_COUNT = 60;
/** Has no account: its key is missing from every accounts answer. */
export const NO_ACCOUNT = '13';

interface Order {
  id: string;
  customerId: string;
  tenantId: string;
  total: number;
}
interface Account {
  customerId: string;
  tenantId: string;
  plan: string;
}

/** Customer n belongs to tenant t(n mod 3). */
export const tenantOf = (id: string): string => `t${Number(id) % 3}`;

export function customerRecord(id: string): Record<string, unknown> | undefined {
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1 || n > CUSTOMER_COUNT) return undefined;
  return { id, tenantId: tenantOf(id), name: `Customer ${id}`, email: `c${id}@example.com` };
}

/** Customer n has n mod 4 orders (0 to 3), newest first. */
function ordersOf(id: string, tenantId: string): Order[] {
  if (!customerRecord(id) || tenantOf(id) !== tenantId) return [];
  return Array.from({ length: Number(id) % 4 }, (_, k) => ({ id: `o-${id}-${k + 1}`, customerId: id, tenantId, total: Number(id) * 10 + k }));
}

function accountOf(id: string, tenantId: string): Account | undefined {
  if (!customerRecord(id) || id === NO_ACCOUNT || tenantOf(id) !== tenantId) return undefined;
  return { customerId: id, tenantId, plan: Number(id) % 2 ? 'pro' : 'free' };
}

interface Key {
  tenantId: string;
  customerId: string;
}

/** The keys a call asks for, in any of the ways the endpoints take them. */
function keysOf(call: RecordedCall, composite: boolean): Key[] {
  const body = call.method === 'POST' && call.body ? (JSON.parse(call.body) as { customerIds?: string[]; keys?: Key[] }) : undefined;
  if (composite) {
    if (body?.keys) return body.keys.map((k) => ({ tenantId: String(k.tenantId), customerId: String(k.customerId) }));
    const texts = call.url.searchParams.has('key') ? call.url.searchParams.getAll('key') : (call.url.searchParams.get('keys') ?? '').split(',');
    return texts.filter(Boolean).map((text) => {
      const [tenantId = '', customerId = ''] = text.split(':');
      return { tenantId, customerId };
    });
  }
  const ids = body?.customerIds ?? (call.url.searchParams.get('customerIds') ?? '').split(',').filter(Boolean);
  return ids.map((id) => ({ tenantId: tenantOf(String(id)), customerId: String(id) }));
}

/** Starts the upstream on 127.0.0.1:0; every call is recorded in `calls`. */
export function startShapesUpstream(): Promise<FakeUpstream> {
  return startFakeUpstream((call, res) => answer(call, res));
}

function answer(call: RecordedCall, res: ServerResponse): void {
  const path = call.url.pathname;
  if (path === '/customers' || path === '/customers:batchGet') return answerCustomers(call, res);
  const match = /^(\/t)?\/(orders|accounts)(?:\/(flat|grouped|map)|:batchGet)$/.exec(path);
  if (!match) return json(res, 404, { error: `no route ${path}` });
  const composite = match[1] !== undefined;
  const resource = match[2] as 'orders' | 'accounts';
  const layout = (match[3] ?? 'flat') as 'flat' | 'grouped' | 'map';
  const limitText = call.url.searchParams.get('limit') ?? (call.body ? (JSON.parse(call.body) as { limit?: number }).limit : undefined);
  const limit = limitText === undefined || limitText === null ? undefined : Number(limitText);
  const keys = keysOf(call, composite).reverse();
  const valueOf = (k: Key): Order[] | Account | undefined =>
    resource === 'orders' ? ordersOf(k.customerId, k.tenantId).slice(0, limit) : accountOf(k.customerId, k.tenantId);
  const decoys = (k: Key): Key[] => (composite ? [{ tenantId: 'decoy', customerId: k.customerId }] : []);
  const decoyValue = (k: Key): Order[] | Account =>
    resource === 'orders' ? [{ id: `decoy-${k.customerId}`, customerId: k.customerId, tenantId: 'decoy', total: -1 }] : { customerId: k.customerId, tenantId: 'decoy', plan: 'decoy' };
  if (layout === 'flat') {
    const items: unknown[] = [];
    for (const k of keys) {
      for (const d of decoys(k)) items.push(...[decoyValue(d)].flat());
      const value = valueOf(k);
      if (value !== undefined) items.push(...[value].flat());
    }
    return json(res, 200, { items });
  }
  if (layout === 'grouped') {
    const groups: unknown[] = [];
    for (const k of keys) {
      for (const d of decoys(k)) groups.push({ ...d, [resource === 'orders' ? 'orders' : 'account']: decoyValue(d) });
      const value = valueOf(k);
      // A customer without orders or account has no group at all, as many APIs answer.
      if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
      groups.push({ ...(composite ? k : { customerId: k.customerId }), [resource === 'orders' ? 'orders' : 'account']: value });
    }
    return json(res, 200, groups);
  }
  const entries: Record<string, unknown> = {};
  for (const k of keys) {
    const value = valueOf(k);
    if (value !== undefined) entries[composite ? `${k.tenantId}:${k.customerId}` : k.customerId] = value;
  }
  // A decoy property the gateway never asks for.
  if (composite) entries['decoy:1'] = decoyValue({ tenantId: 'decoy', customerId: '1' });
  return json(res, 200, { data: { items: entries } });
}

function answerCustomers(call: RecordedCall, res: ServerResponse): void {
  if (call.method === 'POST') {
    const { ids, fields } = JSON.parse(call.body) as { ids: string[]; fields?: string[] };
    const customers = ids
      .map(customerRecord)
      .filter((c) => c !== undefined)
      .map((c) => (fields ? Object.fromEntries(Object.entries(c).filter(([k]) => fields.includes(k))) : c))
      .reverse();
    return json(res, 200, { customers });
  }
  const ids = (call.url.searchParams.get('ids') ?? '').split(',');
  json(res, 200, { items: ids.map(customerRecord).filter((c) => c !== undefined).reverse() });
}
