import { describe, expect, test } from 'vitest';
import { getVariableValues, type OperationDefinitionNode } from 'graphql';
import path from 'node:path';
import { validateConfig } from '../../src/index.ts';
import { PlanCache, describePlan, printPlan } from '../../src/plan/index.ts';
import { REPO_ROOT } from '../support/gateway.ts';

const report = await validateConfig({ configDir: REPO_ROOT, env: {} });
const blueprint = report.blueprint!;

function planOf(cache: PlanCache, text: string, inputs: Record<string, unknown> = {}, operationName?: string) {
  const prepared = cache.prepareText(text);
  if ('errors' in prepared) throw new Error(prepared.errors.map((e) => e.message).join('; '));
  const operation = cache.selectOperation(prepared, operationName) as OperationDefinitionNode;
  const { coerced } = getVariableValues(blueprint.schema, operation.variableDefinitions ?? [], inputs);
  return cache.plan(prepared, operation, coerced!);
}

const PANEL = `query Panel($id: ID!) {
  customer(id: $id) { name orders(limit: 3) { id } tickets(status: "open") { agent { name } } }
}`;

describe('planner', () => {
  test('the panel plans four fetches in two stages: orders and tickets are keyed by the customer id, so they go with the customer', () => {
    const plan = planOf(new PlanCache(blueprint), PANEL, { id: '1' });
    expect(describePlan(plan).stages.map((s) => s.fetches.map((f) => `${f.operation}@${f.path}<-${f.dependsOn ?? '-'}${f.withKeysOf ? `~${f.withKeysOf}` : ''}`))).toEqual([
      ['crm.getCustomers@customer<--', 'orders.ordersByCustomer@customer.orders<--~1', 'tickets.ticketsByCustomer@customer.tickets<--~1'],
      ['agents.getAgents@customer.tickets.agent<-3'],
    ]);
    expect(printPlan(plan)).toBe(
      [
        'Plan for query Panel: 4 fetches in 2 stages',
        'Stage 1, in parallel:',
        '  #1 crm.getCustomers  ← Query.customer at customer',
        '      batched by key {args.id} (max 100 per call)',
        '      asks only for full_name, id',
        '  #2 orders.ordersByCustomer  ← Customer.orders at customer.orders',
        '      batched by key {parent.id} (max 100 per call); params limit={args.limit}; sent with #1, by its keys',
        '      asks only for customer_id, id',
        '  #3 tickets.ticketsByCustomer  ← Customer.tickets at customer.tickets',
        '      batched by key {parent.id} (max 100 per call); params status={args.status}; sent with #1, by its keys',
        'Stage 2 (after stage 1):',
        '  #4 agents.getAgents  ← Ticket.agent at customer.tickets.agent',
        '      batched by key {parent.agentId} (max 100 per call); needs #3',
      ].join('\n'),
    );
  });

  test.each([
    ['a field keyed by a parent field that is not the parents\' key waits for them', '{ customer(id: "1") { tickets(status: "open") { agent { id } } } }', 'agents.getAgents', false],
    ['a field keyed by its parents\' own key field goes with them', '{ customer(id: "1") { orders(limit: 1) { id } } }', 'orders.ordersByCustomer', true],
  ])('%s', (_name, query, operation, withParent) => {
    const plan = planOf(new PlanCache(blueprint), query);
    const fetch = plan.fetches.find((f) => f.operation === operation)!;
    expect(fetch.withKeysOf !== undefined).toBe(withParent);
    expect(fetch.stage).toBe(withParent ? 1 : 2);
  });

  test('only fields that need a connector produce fetches', () => {
    const plan = planOf(new PlanCache(blueprint), '{ customer(id: "1") { name address { city } tags } }');
    expect(plan.fetches.map((f) => f.operation)).toEqual(['crm.getCustomers']);
  });

  test.for([
    { name: 'skipped', vars: { skip: true }, fetches: ['crm.getCustomers'] },
    { name: 'included', vars: { skip: false }, fetches: ['crm.getCustomers', 'orders.ordersByCustomer'] },
  ])('@skip with a variable: $name', ({ vars, fetches }) => {
    const plan = planOf(new PlanCache(blueprint), 'query($skip: Boolean!) { customer(id: "1") { name orders @skip(if: $skip) { id } } }', vars);
    expect(plan.fetches.map((f) => f.operation)).toEqual(fetches);
  });

  test.for([
    { name: '__typename alone needs only the key', query: '{ customer(id: "1") { __typename } }', fields: [['id']] },
    { name: 'renamed and nested fields by their upstream names', query: '{ customer(id: "1") { name address { city } } }', fields: [['address', 'full_name', 'id']] },
    { name: 'a bound child adds what its key reads from the parent', query: '{ customer(id: "1") { orders { id } } }', fields: [['id']] },
    { name: 'computed from several levels', query: '{ customers(ids: ["1"]) { tier tickets { agent { name } } } }', fields: [['id', 'points']] },
    { name: 'a computed field adds the plain fields its expression reads', query: '{ customer(id: "1") { tier } }', fields: [['id', 'points']] },
    { name: 'a computed field over a bound field adds what that binding reads', query: '{ customer(id: "1") { openTicketCount } }', fields: [['id']] },
    { name: "a caller's sort key is fetched though not selected", query: '{ customers(ids: ["1", "2"]) @transform(sortBy: "item.points", filter: "item.country == \'DE\'") { id } }', fields: [['country', 'id', 'points']] },
    { name: 'aliases of one operation share the union, so they share a batch', query: '{ a: customer(id: "1") { name } b: customer(id: "2") { email } }', fields: [['email', 'full_name', 'id'], ['email', 'full_name', 'id']] },
  ])('asks the CRM only for the fields the plan needs: $name', ({ query, fields }) => {
    const plan = planOf(new PlanCache(blueprint), query);
    expect(plan.fetches.filter((f) => f.operation.startsWith('crm.')).map((f) => f.fields)).toEqual(fields);
    // Operations without {fields} in their templates (the demo's Tickets and Agents) are not given a list.
    expect(plan.fetches.filter((f) => /^(tickets|agents)\./.test(f.operation)).every((f) => f.fields === undefined)).toBe(true);
  });

  test.for([
    { name: 'the selection and the batch key', query: '{ customer(id: "1") { orders { id status } } }', fields: ['customer_id', 'id', 'status'] },
    { name: "a schema transform's sort key, though not selected", query: '{ customer(id: "1") { largestOrders { id } } }', fields: ['customer_id', 'id', 'total_cents'] },
  ])('asks the Orders service only for the fields the plan needs: $name', ({ query, fields }) => {
    const plan = planOf(new PlanCache(blueprint), query);
    expect(plan.fetches.filter((f) => f.operation.startsWith('orders.')).map((f) => f.fields)).toEqual([fields]);
  });

  test('fragments and aliases merge into one plan field per response key', () => {
    const plan = planOf(
      new PlanCache(blueprint),
      `{ customer(id: "1") { ...A ... on Customer { name } n: name } }
       fragment A on Customer { name orders { id } }`,
    );
    const customer = plan.rootFields[0]!;
    expect(customer.completion.kind === 'object' && customer.completion.fields.map((f) => f.responseKey)).toEqual(['name', 'orders', 'n']);
  });

  test('plans are cached by document, operation name and @skip/@include values', () => {
    const cache = new PlanCache(blueprint);
    const doc = 'query A($s: Boolean!) { customer(id: "1") { name @skip(if: $s) } } query B { customer(id: "2") { id } }';
    const a1 = planOf(cache, doc, { s: true }, 'A');
    const a2 = planOf(cache, doc, { s: true }, 'A');
    const a3 = planOf(cache, doc, { s: false }, 'A');
    const b = planOf(cache, doc, {}, 'B');
    expect(a2).toBe(a1);
    expect(a3).not.toBe(a1);
    expect(b).not.toBe(a1);
    expect(cache.stats).toEqual({ documentHits: 3, documentMisses: 1, planHits: 1, planMisses: 3 });
  });

  test('the demo config directory is what the planner reads', () => {
    expect(blueprint.connectors.map((c) => path.basename(c.sourceMap.file))).toEqual(['agents.yaml', 'crm.yaml', 'loyalty.yaml', 'orders.yaml', 'risk.yaml', 'tickets.yaml']);
  });
});
