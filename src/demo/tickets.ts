import { isCustomerId } from './customers.ts';
import { AGENT_COUNT } from './agents.ts';
import { DAY_MS, DEMO_NOW_MS, isoSeconds, seededRandom } from './seeded-random.ts';

/** The three states a support ticket can be in. */
export type TicketStatus = 'open' | 'pending' | 'closed';

/** The Tickets service's ticket record, in upstream (snake_case) names. */
export interface Ticket {
  /** `t-<customer id>-<n>`, n counting from 1 for the customer's oldest ticket. */
  id: string;
  customer_id: string;
  subject: string;
  status: TicketStatus;
  priority: string;
  created_at: string;
  /** The agent handling the ticket, "a1".."a200". */
  agent_id: string;
}

/** Most tickets one customer has. */
export const MAX_TICKETS_PER_CUSTOMER = 6;

const SUBJECTS = ['Parcel has not arrived', 'Refund not received', 'Cannot log in', 'Wrong item delivered', 'Change delivery address', 'Invoice needed', 'Points missing after purchase', 'Cancel my order'];
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'];
const STATUSES: readonly TicketStatus[] = ['open', 'pending', 'closed', 'closed'];

const cache = new Map<string, readonly Ticket[]>();

/** The customer's tickets, newest first (0 to 6, deterministic by id), optionally only those with `status`. */
export function ticketsOfCustomer(customerId: string, status?: string): readonly Ticket[] {
  let tickets = cache.get(customerId);
  if (!tickets) {
    if (!isCustomerId(customerId)) return [];
    tickets = generateTickets(customerId);
    cache.set(customerId, tickets);
  }
  return status === undefined ? tickets : tickets.filter((t) => t.status === status);
}

function generateTickets(customerId: string): readonly Ticket[] {
  const random = seededRandom(`tickets:${customerId}`);
  const count = random.int(0, MAX_TICKETS_PER_CUSTOMER);
  const tickets: Ticket[] = [];
  let createdMs = DEMO_NOW_MS - random.int(0, 10) * DAY_MS;
  for (let i = 0; i < count; i++) {
    createdMs -= random.int(1, 90) * DAY_MS + random.int(0, 86_399) * 1000;
    tickets.push({
      id: `t-${customerId}-${count - i}`,
      customer_id: customerId,
      subject: random.pick(SUBJECTS),
      // Only recent tickets may still be open; old ones are closed.
      status: i < 2 ? random.pick(STATUSES) : 'closed',
      priority: random.pick(PRIORITIES),
      created_at: isoSeconds(createdMs),
      agent_id: `a${random.int(1, AGENT_COUNT)}`,
    });
  }
  return Object.freeze(tickets);
}
