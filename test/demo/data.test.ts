import { describe, expect, test } from 'vitest';
import {
  AGENT_COUNT,
  CUSTOMER_COUNT,
  MAX_ORDERS_PER_CUSTOMER,
  MAX_TICKETS_PER_CUSTOMER,
  agentById,
  customerById,
  isAgentId,
  isCustomerId,
  ordersOfCustomer,
  ticketsOfCustomer,
} from '../../src/demo/data.ts';

const ALL_CUSTOMER_IDS = Array.from({ length: CUSTOMER_COUNT }, (_, i) => String(i + 1));
const isNewestFirst = (dates: readonly string[]) => dates.every((d, i) => i === 0 || dates[i - 1]! >= d);

describe('demo data', () => {
  test.for([
    ['1', true],
    ['10000', true],
    ['10001', false],
    ['0', false],
    ['01', false],
    ['-1', false],
    ['1.0', false],
    [' 1', false],
    ['../../admin', false],
  ] as const)('isCustomerId(%j) is %s', ([id, expected]) => {
    expect(isCustomerId(id)).toBe(expected);
    expect(customerById(id) !== undefined).toBe(expected);
  });

  test.for([
    ['a1', true],
    ['a200', true],
    ['a201', false],
    ['a0', false],
    ['a01', false],
    ['A1', false],
    ['1', false],
  ] as const)('isAgentId(%j) is %s', ([id, expected]) => {
    expect(isAgentId(id)).toBe(expected);
    expect(agentById(id) !== undefined).toBe(expected);
  });

  test('every customer has ~20 fields, 0–15 orders and 0–6 tickets, newest first, with valid agents', () => {
    const orderCounts = new Set<number>();
    const ticketCounts = new Set<number>();
    for (const id of ALL_CUSTOMER_IDS) {
      const customer = customerById(id)!;
      expect(customer.id).toBe(id);
      expect(Object.keys(customer)).toHaveLength(19);
      expect(customer.address.country_code).toBe(customer.country);

      const orders = ordersOfCustomer(id);
      orderCounts.add(orders.length);
      expect(orders.map((o) => o.id)).toEqual(orders.map((_, i) => `o-${id}-${orders.length - i}`));
      expect(orders.every((o) => o.customer_id === id && o.item_count >= 1 && o.total_cents > 0)).toBe(true);
      expect(isNewestFirst(orders.map((o) => o.created_at))).toBe(true);

      const tickets = ticketsOfCustomer(id);
      ticketCounts.add(tickets.length);
      expect(tickets.every((t) => t.customer_id === id && isAgentId(t.agent_id) && ['open', 'pending', 'closed'].includes(t.status))).toBe(true);
      expect(isNewestFirst(tickets.map((t) => t.created_at))).toBe(true);
    }
    // Every count in range occurs, so the demo shows empty lists as well as full ones.
    expect([...orderCounts].sort((a, b) => a - b)).toEqual(Array.from({ length: MAX_ORDERS_PER_CUSTOMER + 1 }, (_, i) => i));
    expect([...ticketCounts].sort((a, b) => a - b)).toEqual(Array.from({ length: MAX_TICKETS_PER_CUSTOMER + 1 }, (_, i) => i));
  });

  test('the same id gives the same record every time', () => {
    expect(JSON.stringify(customerById('123'))).toBe(JSON.stringify(customerById('123')));
    expect(ordersOfCustomer('123', 3)).toEqual(ordersOfCustomer('123').slice(0, 3));
    expect(ticketsOfCustomer('123', 'open')).toEqual(ticketsOfCustomer('123').filter((t) => t.status === 'open'));
    expect(agentById(`a${AGENT_COUNT}`)).toEqual(agentById(`a${AGENT_COUNT}`));
  });
});
