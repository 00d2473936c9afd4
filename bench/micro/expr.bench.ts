/**
 * Micro-benchmark of the expression engine: evaluations per second for typical operator and
 * caller expressions, each beside the same logic written by hand in JavaScript (the ceiling).
 * Includes building the input view (Maps of only the fields read), since the gateway pays it.
 *
 *   node bench/micro/expr.bench.ts            # about 1 s per row
 *   BENCH_MS=300 node bench/micro/expr.bench.ts
 */
import os from 'node:os';
import { CALLER_LIMITS, OPERATOR_LIMITS, compileExpression, objectView, type ExprLimits, type ShapeField, type VariableDecl } from '../../src/expr/index.ts';
import { applyListTransform, maskKeepLast, type ListTransform } from '../../src/postprocess/index.ts';

const DURATION_MS = Number(process.env.BENCH_MS ?? 1_000);

const customer = { points: 31_337, full_name: 'Ada Lovelace', phone: '+1-555-0123456', tags: ['vip', 'b2b', 'newsletter'] };
const customerFields: ShapeField[] = [
  { name: 'points', read: (o) => (o as typeof customer).points, shape: { kind: 'int' } },
  { name: 'name', read: (o) => (o as typeof customer).full_name, shape: { kind: 'string' } },
  { name: 'tags', read: (o) => (o as typeof customer).tags, shape: { kind: 'list', of: { kind: 'string' } } },
];
const tickets = Array.from({ length: 100 }, (_, i) => ({ id: `t${i}`, status: i % 3 === 0 ? 'open' : 'closed', subject: i % 7 === 0 ? 'Refund please' : 'Login issue', created_at: `2024-01-${String((i % 28) + 1).padStart(2, '0')}` }));
const ticketFields: ShapeField[] = [
  { name: 'status', read: (o) => (o as (typeof tickets)[number]).status, shape: { kind: 'string' } },
  { name: 'subject', read: (o) => (o as (typeof tickets)[number]).subject, shape: { kind: 'string' } },
  { name: 'createdAt', read: (o) => (o as (typeof tickets)[number]).created_at, shape: { kind: 'string' } },
];
const parentVar: Record<string, VariableDecl> = { parent: { kind: 'object', typeName: 'Customer', fields: new Set(customerFields.map((f) => f.name)) } };
const itemVar: Record<string, VariableDecl> = { item: { kind: 'object', typeName: 'Ticket', fields: new Set(ticketFields.map((f) => f.name)) } };

/** One row: a CEL expression over one object, and the same thing in plain JavaScript. */
function objectCase(name: string, source: string, vars: Record<string, VariableDecl>, fields: ShapeField[], raw: object, limits: ExprLimits, js: () => unknown) {
  const expr = compileExpression(source, { limits, variables: vars });
  const variable = Object.keys(vars)[0]!;
  const read = fields.filter((f) => expr.reads.get(variable)?.includes(f.name));
  return { name, source, cel: () => expr.evaluate({ [variable]: objectView(raw, read, limits) }), js };
}

const ticket = tickets[0]!;
const cases = [
  objectCase('computed tier (ternary chain)', "parent.points >= 40000 ? 'platinum' : parent.points >= 25000 ? 'gold' : parent.points >= 10000 ? 'silver' : 'bronze'", parentVar, customerFields, customer, OPERATOR_LIMITS, () =>
    customer.points >= 40_000 ? 'platinum' : customer.points >= 25_000 ? 'gold' : customer.points >= 10_000 ? 'silver' : 'bronze'),
  objectCase('string concat + method', "parent.name.upperAscii() + ' (' + string(parent.points) + ')'", parentVar, customerFields, customer, OPERATOR_LIMITS, () => `${customer.full_name.toUpperCase()} (${customer.points})`),
  objectCase('list membership', "'vip' in parent.tags && size(parent.tags) > 1", parentVar, customerFields, customer, OPERATOR_LIMITS, () => customer.tags.includes('vip') && customer.tags.length > 1),
  objectCase('macro over 3 items', "parent.tags.exists(t, t.startsWith('news'))", parentVar, customerFields, customer, OPERATOR_LIMITS, () => customer.tags.some((t) => t.startsWith('news'))),
  objectCase('regex (RE2)', "parent.name.matches('^[A-Z][a-z]+ [A-Z]')", parentVar, customerFields, customer, OPERATOR_LIMITS, () => /^[A-Z][a-z]+ [A-Z]/.test(customer.full_name)),
  objectCase('caller filter predicate', "item.status == 'open' && item.subject.contains('Refund')", itemVar, ticketFields, ticket, CALLER_LIMITS, () => ticket.status === 'open' && ticket.subject.includes('Refund')),
  {
    name: 'mask(keepLast: 4) (built-in, no CEL)',
    source: '—',
    cel: () => maskKeepLast(customer.phone, 4),
    js: () => '*'.repeat(customer.phone.length - 4) + customer.phone.slice(-4),
  },
];

const filter = compileExpression("item.status == 'open'", { limits: CALLER_LIMITS, variables: itemVar });
const sortBy = compileExpression('item.createdAt', { limits: CALLER_LIMITS, variables: itemVar });
const transform: ListTransform = {
  filter,
  map: undefined,
  sortBy,
  descending: true,
  limit: 5,
  limits: CALLER_LIMITS,
  itemFields: ticketFields.filter((f) => f.name === 'status' || f.name === 'createdAt'),
  itemShape: { kind: 'json' },
  maxItems: 10_000,
  maxTotalCost: Number.POSITIVE_INFINITY,
};
cases.push({
  name: 'list transform, 100 items (per list)',
  source: "filter: item.status == 'open', sortBy: item.createdAt desc, limit 5",
  cel: () => applyListTransform(tickets, transform, new Map()),
  js: () =>
    tickets
      .filter((t) => t.status === 'open')
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
      .slice(0, 5),
});

/** Runs `fn` in batches until DURATION_MS has passed; returns calls per second. */
function measure(fn: () => unknown): number {
  for (let i = 0; i < 2_000; i++) fn(); // warm-up: let the JIT settle
  let calls = 0;
  let batch = 256;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < DURATION_MS) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    elapsed = performance.now() - start;
    if (elapsed < DURATION_MS / 10) batch *= 2;
  }
  return (calls / elapsed) * 1_000;
}

const compileRate = measure(() => compileExpression("parent.points >= 40000 ? 'platinum' : 'gold'", { limits: OPERATOR_LIMITS, variables: parentVar }));

const rows = cases.map((c) => {
  const cel = measure(c.cel);
  const js = measure(c.js);
  return { name: c.name, cel, js };
});

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${DURATION_MS} ms per measurement`);
console.log('');
const header = ['case', 'CEL ops/s', 'plain JS ops/s', 'JS / CEL'];
const table = rows.map((r) => [r.name, fmt(r.cel), fmt(r.js), `${(r.js / r.cel).toFixed(1)}×`]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
console.log('');
console.log(`compile (parse + check + plan), once per expression at boot: ${fmt(compileRate)} /s`);
