/**
 * The demo world: deterministic customers, orders, tickets and agents, generated lazily per id
 * (nothing is built at import time). One file per entity; this is their public surface.
 */
export { CUSTOMER_COUNT, customerById, isCustomerId, type Customer } from './customers.ts';
export { MAX_ORDERS_PER_CUSTOMER, ordersOfCustomer, type Order } from './orders.ts';
export { MAX_TICKETS_PER_CUSTOMER, ticketsOfCustomer, type Ticket, type TicketStatus } from './tickets.ts';
export { AGENT_COUNT, agentById, isAgentId, type Agent } from './agents.ts';
