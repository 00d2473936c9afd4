import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT, writeConfigDir } from '../support/gateway.ts';

const MAIN = path.join(REPO_ROOT, 'src/cli/main.ts');

/** Runs the real CLI in a child process and returns its exit code and output. */
function tessera(args: string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'silent' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let broken: { dir: string; remove(): Promise<void> };
beforeAll(async () => {
  broken = await writeConfigDir({
    connectors: { 'crm.yaml': 'baseUrl: http://127.0.0.1:4101\noperations:\n  getCustomer:\n    method: GTE\n    path: /customers/{id}\n    params:\n      id: ID!\n' },
    schemas: { 'api.graphql': 'type Query {\n  customer(id: ID!): Customer @source(connector: "crm", operation: "getCustomer", params: { id: "{args.id}" })\n}\ntype Customer { id: ID! nickname: Strng }\n' },
  });
  await writeFile(path.join(broken.dir, 'panel.graphql'), '{ customer(id: "1") { id } }');
});
afterAll(() => broken.remove());

describe('tessera validate', () => {
  test('the demo config is valid', async () => {
    const result = await tessera(['validate']);
    expect(result).toEqual({ code: 0, stdout: 'OK: 6 connectors, 10 operations.\n', stderr: '' });
  });

  test('every problem is printed with file:line:col, code and a caret; exit code 1', async () => {
    const result = await tessera(['validate', '--config-dir', broken.dir], broken.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'connectors/crm.yaml:4:13  CONFIG_INVALID_VALUE  at connectors.crm.operations.getCustomer.method',
        '  expected one of GET, POST, PUT, PATCH, DELETE; got "GTE". Did you mean "GET"?',
        '    3 |   getCustomer:',
        '  > 4 |     method: GTE',
        '      |             ^',
        '',
        'schemas/api.graphql:4:35  CONFIG_SCHEMA_INVALID  at schemas',
        '  Unknown type "Strng". Did you mean "String"?',
        '    3 | }',
        '  > 4 | type Customer { id: ID! nickname: Strng }',
        '      |                                   ^',
        '',
        '2 errors',
        '',
      ].join('\n'),
    );
  });
});

describe('tessera explain', () => {
  test('prints the plan of an operation', async () => {
    const file = path.join(broken.dir, 'demo-panel.graphql');
    await writeFile(file, 'query P($id: ID!) { customer(id: $id) { name orders { id } } }');
    const result = await tessera(['explain', file, '--variables', '{"id":"7"}']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Plan for query P: 2 fetches in 1 stage',
        'Stage 1, in parallel:',
        '  #1 crm.getCustomers  ← Query.customer at customer',
        '      batched by key {args.id} (max 100 per call)',
        '      asks only for full_name, id',
        '  #2 orders.ordersByCustomer  ← Customer.orders at customer.orders',
        '      batched by key {parent.id} (max 100 per call); params limit={args.limit}; sent with #1, by its keys',
        '      asks only for customer_id, id',
        '',
      ].join('\n'),
    );
  });

  test('names the layout a batch answer is read in when it is not a flat list', async () => {
    const file = path.join(broken.dir, 'demo-grouped.graphql');
    await writeFile(file, 'query G($ids: [ID!]!) { customers(ids: $ids) { recentOrders { id } } }');
    const result = await tessera(['explain', file, '--variables', '{"ids":["1","2"]}']);
    expect(result.stdout.split('\n').slice(5, 9)).toEqual([
      '  #2 orders.recentOrdersGrouped  ← Customer.recentOrders at customers.recentOrders',
      '      batched by key {parent.id} (max 100 per call); params limit={args.limit}; sent with #1, by its keys',
      '      asks only for id',
      '      answers read as grouped by customerId → orders (many per key)',
    ]);
  });

  test('--mark names the target each fetch uses for that traffic; an unknown mark is refused with a suggestion', async () => {
    const file = path.join(broken.dir, 'demo-marked.graphql');
    await writeFile(file, '{ customer(id: "1") { name risk { level } } }');
    const result = await tessera(['explain', file, '--mark', 'stress']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(-4)).toEqual(['For stress traffic:', '  crm.getCustomers → shadow http://127.0.0.1:5101', '  risk.scoresByCustomer → production (mark forwarded)', '']);
    const json = JSON.parse((await tessera(['explain', file, '--mark', 'preview', '--json'])).stdout) as { traffic: string; targets: Record<string, string> };
    expect([json.traffic, json.targets]).toEqual(['preview', { 'crm.getCustomers': 'shadow http://127.0.0.1:5101', 'risk.scoresByCustomer': 'production (mark forwarded)' }]);
    const bad = await tessera(['explain', file, '--mark', 'strss']);
    expect([bad.code, bad.stderr]).toEqual([2, '--mark must be one of stress, preview; got "strss". Did you mean "stress"?\n']);
  });

  test('--json prints the same plan as data', async () => {
    const file = path.join(broken.dir, 'demo-one.graphql');
    await writeFile(file, '{ customer(id: "1") { name } }');
    const result = await tessera(['explain', file, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ operation: null, fetchCount: 1, stages: [{ stage: 1, fetches: [{ operation: 'crm.getCustomers', batched: true }] }] });
  });

  test('an invalid operation is reported with its position', async () => {
    const file = path.join(broken.dir, 'bad.graphql');
    await writeFile(file, '{ customer(id: "1") { nme } }');
    const result = await tessera(['explain', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${file}:1:23  Cannot query field "nme" on type "Customer". Did you mean "name" or "note"?\n`);
  });

  test('shows post-processing, and refuses a bad caller expression with its reason and position', async () => {
    const file = path.join(broken.dir, 'transforms.graphql');
    await writeFile(file, '{ customer(id: "1") { tier phone tickets @transform(limit: 2) { id } } }');
    const ok = await tessera(['explain', file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('Post-processing, while shaping the response:\n')[1]).toBe(
      [
        "  customer.tier (Customer.tier, operator): computed(parent.points == null ? null : parent.points >= 40000 ? 'platinum' : parent.points >= 25000 ? 'gold' : parent.points >= 10000 ? 'silver' : 'bronze')",
        '  customer.phone (Customer.phone, operator): mask(keepLast: 4)',
        '  customer.tickets (Customer.tickets, caller): @transform(limit: 2)',
        '',
      ].join('\n'),
    );
    await writeFile(file, '{ customer(id: "1") { tickets @transform(filter: "item.nope == 1") { id } } }');
    const bad = await tessera(['explain', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      `${file}  BAD_EXPRESSION (EXPR_UNKNOWN_REFERENCE at 1:5 in the expression)  filter: expected a field of Ticket (id, customerId, subject, status, priority, createdAt, agentId); got item.nope\n`,
    );
  });

  test.for([
    { args: ['bench', 'nope'], stderr: 'Unknown bench suite "nope": expected one of load, micro, soak.\n' },
    { args: ['bench', '--duraton=1'], stderr: 'Unknown flag --duraton. Did you mean "duration"? (--help lists the flags)\n' },
    { args: ['bench', 'soak', '--scenrio=panel'], stderr: 'Unknown flag --scenrio. Did you mean "scenario"? (--help lists the flags)\n' },
  ])('tessera $args.0 $args.1: a mistake in the arguments exits 2 before any load starts', async ({ args, stderr }) => {
    const result = await tessera(args);
    expect(result).toEqual({ code: 2, stdout: '', stderr });
  });

  test('unknown commands print usage and exit 2', async () => {
    const result = await tessera(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate".');
  });
});
