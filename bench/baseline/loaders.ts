import DataLoader from 'dataloader';
import type { UpstreamClient } from './upstream-client.ts';
import type { RiskClient } from './risk-client.ts';
import type { LoyaltyClient } from './loyalty-client.ts';

type Row = Record<string, unknown>;

export interface Upstreams {
  crm: UpstreamClient;
  orders: UpstreamClient;
  tickets: UpstreamClient;
  agents: UpstreamClient;
  risk: RiskClient;
  loyalty: LoyaltyClient;
}

/**
 * The DataLoaders of one request, one per upstream operation (and per non-key argument, since
 * `orders(limit:)` and `tickets(status:)` change the upstream call): every key of a level lands
 * in one batched call, which is the ideal number of upstream calls.
 */
export class Loaders {
  readonly customers: DataLoader<string, Row>;
  readonly agents: DataLoader<string, Row | null>;
  readonly risk: DataLoader<string, Row>;
  readonly loyalty: DataLoader<string, Row>;
  readonly #upstreams: Upstreams;
  readonly #orders = new Map<number, DataLoader<string, Row[]>>();
  readonly #recentOrders = new Map<number, DataLoader<string, Row[]>>();
  readonly #tickets = new Map<string, DataLoader<string, Row[]>>();

  constructor(upstreams: Upstreams) {
    this.#upstreams = upstreams;
    this.customers = new DataLoader(async (ids) => {
      const byId = indexOne(await items(upstreams.crm, `/customers?ids=${encodeList(ids)}`), 'id');
      return ids.map((id) => byId.get(id) ?? new Error(`Customer ${id} not found.`));
    }, { maxBatchSize: 100 });
    this.agents = new DataLoader(async (ids) => {
      const byId = indexOne(await items(upstreams.agents, `/agents?ids=${encodeList(ids)}`), 'id');
      return ids.map((id) => byId.get(id) ?? null);
    }, { maxBatchSize: 100 });
    this.risk = new DataLoader(async (ids) => {
      const byId = indexOne(await upstreams.risk.scores(ids), 'customer_id');
      return ids.map((id) => byId.get(id) ?? new Error(`No risk score for customer ${id}.`));
    }, { maxBatchSize: 100 });
    this.loyalty = new DataLoader(async (ids) => {
      const byId = indexOne(await upstreams.loyalty.accounts(ids), 'customerId');
      return ids.map((id) => byId.get(id) ?? new Error(`No loyalty account for customer ${id}.`));
    }, { maxBatchSize: 100 });
  }

  ordersOf(limit: number): DataLoader<string, Row[]> {
    let loader = this.#orders.get(limit);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const byCustomer = indexMany(await items(this.#upstreams.orders, `/orders?customerIds=${encodeList(ids)}&limit=${limit}`), 'customer_id');
        return ids.map((id) => byCustomer.get(id) ?? []);
      }, { maxBatchSize: 100 });
      this.#orders.set(limit, loader);
    }
    return loader;
  }

  /** The grouped endpoint: `{ groups: [{ customerId, orders }] }`, matched by each group's customerId. */
  recentOrdersOf(limit: number): DataLoader<string, Row[]> {
    let loader = this.#recentOrders.get(limit);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const body = (await this.#upstreams.orders.getJson(`/orders/grouped?customerIds=${encodeList(ids)}&limit=${limit}`)) as { groups: { customerId: string; orders: Row[] }[] };
        const byCustomer = new Map(body.groups.map((g) => [String(g.customerId), g.orders]));
        return ids.map((id) => byCustomer.get(id) ?? []);
      }, { maxBatchSize: 100 });
      this.#recentOrders.set(limit, loader);
    }
    return loader;
  }

  ticketsOf(status: string | undefined): DataLoader<string, Row[]> {
    const key = status ?? '';
    let loader = this.#tickets.get(key);
    if (!loader) {
      const filter = status === undefined ? '' : `&status=${encodeURIComponent(status)}`;
      loader = new DataLoader(async (ids) => {
        const byCustomer = indexMany(await items(this.#upstreams.tickets, `/tickets?customerIds=${encodeList(ids)}${filter}`), 'customer_id');
        return ids.map((id) => byCustomer.get(id) ?? []);
      }, { maxBatchSize: 100 });
      this.#tickets.set(key, loader);
    }
    return loader;
  }
}

async function items(client: UpstreamClient, path: string): Promise<Row[]> {
  return ((await client.getJson(path)) as { items: Row[] }).items;
}

function encodeList(values: readonly string[]): string {
  return values.map(encodeURIComponent).join(',');
}

function indexOne(rows: readonly Row[], keyField: string): Map<string, Row> {
  const map = new Map<string, Row>();
  for (const row of rows) map.set(String(row[keyField]), row);
  return map;
}

function indexMany(rows: readonly Row[], keyField: string): Map<string, Row[]> {
  const map = new Map<string, Row[]>();
  for (const row of rows) {
    const key = String(row[keyField]);
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  }
  return map;
}
