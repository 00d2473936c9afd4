/** A config that uses every post-processing directive, served by one fake "people" upstream. */
export const PEOPLE_YAML = `
baseUrl: \${PEOPLE_URL}
operations:
  getPeople:
    path: /people
    query:
      ids: "{keys}"
    batch:
      maxSize: 50
      keyField: id
    result: items
  ticketsByPerson:
    path: /tickets
    query:
      personIds: "{keys}"
    batch:
      maxSize: 50
      keyField: person_id
      many: true
    result: items
`;

export const PEOPLE_SCHEMA = /* GraphQL */ `
type Query {
  person(id: ID!): Person @source(connector: "people", operation: "getPeople", key: "{args.id}")
  people(ids: [ID!]!): [Person] @source(connector: "people", operation: "getPeople", keys: "{args.ids}")
  "A computed root field: no upstream, only the request context."
  echo(text: String!, times: Int = 1): String @computed(expr: "request.id + ': ' + args.text + (args.times > 1 ? ' (x' + string(args.times) + ')' : '')")
}

type Person {
  id: ID!
  name: String
  points: Int
  tier: String @computed(expr: "parent.points >= 40000 ? 'platinum' : parent.points >= 20000 ? 'gold' : parent.points >= 5000 ? 'silver' : 'bronze'")
  greeting(lang: String = "en"): String @computed(expr: "(args.lang == 'fr' ? 'Bonjour ' : 'Hello ') + parent.name")
  openTicketCount: Int @computed(expr: "parent.tickets.filter(t, t.status == 'open').size()")
  phone: String @mask(keepLast: 4)
  email: String @mask(email: true)
  nickname: String @default(value: "n/a")
  status: String @valueMap(map: { A: "active", S: "suspended" }, fallback: "unknown")
  heightCm: Float @map(from: "height_mm") @unit(from: "mm", to: "cm")
  balance: Float @map(from: "balance_cents") @unit(from: "minor", to: "major")
  balanceText: String @map(from: "balance_cents") @format(decimals: 2)
  joined: String @map(from: "joined_at") @format(date: "YYYY-MM-DD HH:mm", timeZone: "Asia/Shanghai")
  tags: [String!] @mask(keepLast: 2)
  upperTags: [String!] @map(from: "tags") @transform(map: "item.upperAscii()", sortBy: "item")
  tickets: [Ticket!]! @source(connector: "people", operation: "ticketsByPerson", key: "{parent.id}")
  urgentTickets: [Ticket!]!
    @source(connector: "people", operation: "ticketsByPerson", key: "{parent.id}")
    @transform(filter: "item.priority == 'urgent'", sortBy: "item.createdAt", descending: true, limit: 2)
}

type Ticket {
  id: ID!
  subject: String
  status: String
  priority: String
  createdAt: String @map(from: "created_at")
  reporterPhone: String @map(from: "reporter_phone") @mask(keepLast: 4)
}
`;

/** The upstream's people, in its own snake_case names. */
export const PEOPLE: Record<string, Record<string, unknown>> = {
  '1': {
    id: '1',
    name: 'Ada',
    points: 41_000,
    phone: '+1-555-0123456',
    email: 'ada.lovelace@example.com',
    nickname: 'countess',
    status: 'A',
    height_mm: 1655,
    balance_cents: 123_456,
    joined_at: '2024-01-31T18:30:00Z',
    tags: ['vip', 'b2b'],
  },
  '2': { id: '2', name: 'Bo', points: null, phone: null, email: 'not-an-email', nickname: null, status: 'X', height_mm: null, balance_cents: -5, joined_at: 'garbage', tags: [] },
  '3': { id: '3', name: 'Chen', points: 5_000, phone: '12', email: null, status: 'S', tags: null },
  '4': { id: '4', name: 'Dana', points: 0 },
  // Huge inputs, for the escape tests.
  '5': { id: '5', name: 'x'.repeat(10_000), points: 1, tags: Array.from({ length: 500 }, (_, i) => `tag${i}`) },
};

export const TICKETS = [
  { id: 't1', person_id: '1', subject: 'Refund', status: 'open', priority: 'urgent', created_at: '2024-03-01T00:00:00Z', reporter_phone: '+1-555-0000001' },
  { id: 't2', person_id: '1', subject: 'Login', status: 'closed', priority: 'low', created_at: '2024-03-02T00:00:00Z', reporter_phone: '+1-555-0000002' },
  { id: 't3', person_id: '1', subject: 'Parcel', status: 'open', priority: 'urgent', created_at: '2024-03-03T00:00:00Z', reporter_phone: '+1-555-0000003' },
  { id: 't4', person_id: '1', subject: 'Invoice', status: 'open', priority: 'urgent', created_at: '2024-02-01T00:00:00Z', reporter_phone: '+1-555-0000004' },
  { id: 't5', person_id: '3', subject: 'Password', status: 'pending', priority: 'normal', created_at: '2024-01-01T00:00:00Z', reporter_phone: null },
  // Person 4 has many tickets: for the caller's per-list work bound.
  ...Array.from({ length: 300 }, (_, i) => ({ id: `m${i}`, person_id: '4', subject: `Question number ${i}`, status: i % 2 ? 'open' : 'closed', priority: 'low', created_at: '2024-01-01T00:00:00Z', reporter_phone: null })),
];
