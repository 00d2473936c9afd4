import { customerById } from './customers.ts';
import { DAY_MS, DEMO_NOW_MS, isoSeconds, seededRandom } from './seeded-random.ts';

/** The Orders service's order record, in upstream (snake_case) names. */
export interface Order {
  /** `o-<customer id>-<n>`, n counting from 1 for the customer's oldest order. */
  id: string;
  customer_id: string;
  created_at: string;
  total_cents: number;
  currency: string;
  status: string;
  item_count: number;
}

/** Most orders one customer has. */
export const MAX_ORDERS_PER_CUSTOMER = 15;

const CURRENCY_BY_COUNTRY: Record<string, string> = { US: 'USD', CA: 'CAD', CN: 'CNY', ES: 'EUR', FR: 'EUR', DE: 'EUR', JP: 'JPY', GB: 'GBP', BR: 'BRL' };
const SETTLED_STATUSES = ['delivered', 'delivered', 'delivered', 'delivered', 'cancelled', 'refunded'];
const OPEN_STATUSES = ['processing', 'shipped', 'delivered'];

const cache = new Map<string, readonly Order[]>();

/** The customer's orders, newest first (0 to 15 of them, deterministic by id); [] for an unknown customer. */
export function ordersOfCustomer(customerId: string, limit?: number): readonly Order[] {
  let orders = cache.get(customerId);
  if (!orders) {
    const customer = customerById(customerId);
    if (!customer) return [];
    orders = generateOrders(customerId, CURRENCY_BY_COUNTRY[customer.country] ?? 'USD');
    cache.set(customerId, orders);
  }
  return limit === undefined ? orders : orders.slice(0, limit);
}

function generateOrders(customerId: string, currency: string): readonly Order[] {
  const random = seededRandom(`orders:${customerId}`);
  const count = random.int(0, MAX_ORDERS_PER_CUSTOMER);
  const orders: Order[] = [];
  let createdMs = DEMO_NOW_MS - random.int(0, 20) * DAY_MS;
  // Generated newest first: each older order is 1 to 60 days before the previous one.
  for (let i = 0; i < count; i++) {
    createdMs -= random.int(1, 60) * DAY_MS + random.int(0, 86_399) * 1000;
    const itemCount = random.int(1, 8);
    orders.push({
      id: `o-${customerId}-${count - i}`,
      customer_id: customerId,
      created_at: isoSeconds(createdMs),
      total_cents: itemCount * random.int(199, 19_999),
      currency,
      status: random.pick(i < 2 ? OPEN_STATUSES : SETTLED_STATUSES),
      item_count: itemCount,
    });
  }
  return Object.freeze(orders);
}
