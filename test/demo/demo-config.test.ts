import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse as parseGraphQL, visit, type DocumentNode } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/upstreams.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface OperationYaml {
  method?: string;
  path: string;
  query?: Record<string, string>;
  params?: Record<string, string>;
  batch?: { maxSize: number; keyField: string; many?: boolean };
  result?: string;
}
interface ConnectorYaml {
  name: string;
  transport?: string;
  baseUrl: string;
  address?: string;
  protocol?: string;
  framing?: string;
  operations: Record<string, OperationYaml>;
}

async function readConnectors(): Promise<Record<string, ConnectorYaml>> {
  const files = (await readdir(path.join(ROOT, 'connectors'))).filter((f) => f.endsWith('.yaml')).sort();
  const entries = await Promise.all(files.map(async (f) => [f, parseYaml(await readFile(path.join(ROOT, 'connectors', f), 'utf8')) as ConnectorYaml] as const));
  return Object.fromEntries(entries);
}

async function readSchemas(): Promise<Record<string, DocumentNode>> {
  const files = (await readdir(path.join(ROOT, 'schemas'))).filter((f) => f.endsWith('.graphql')).sort();
  const entries = await Promise.all(files.map(async (f) => [f, parseGraphQL(await readFile(path.join(ROOT, 'schemas', f), 'utf8'))] as const));
  return Object.fromEntries(entries);
}

let connectors: Record<string, ConnectorYaml>;
let schemas: Record<string, DocumentNode>;
let upstreams: DemoUpstreams;
beforeAll(async () => {
  [connectors, schemas, upstreams] = await Promise.all([readConnectors(), readSchemas(), startDemoUpstreams()]);
});
afterAll(() => upstreams.close());

describe('demo config (syntax; the real validator lives in blueprint/)', () => {
  test.for([
    { file: 'agents.yaml', env: 'AGENTS_URL', port: 4104, operations: { getAgent: undefined, getAgents: { maxSize: 100, keyField: 'id', many: false } } },
    { file: 'crm.yaml', env: 'CRM_URL', port: 4101, operations: { getCustomer: undefined, getCustomers: { maxSize: 100, keyField: 'id', many: false } } },
    { file: 'orders.yaml', env: 'ORDERS_URL', port: 4102, operations: { ordersByCustomer: { maxSize: 100, keyField: 'customer_id', many: true }, recentOrdersGrouped: { maxSize: 100, keyField: undefined, many: true }, ordersOfCustomer: undefined } },
    { file: 'tickets.yaml', env: 'TICKETS_URL', port: 4103, operations: { ticketsByCustomer: { maxSize: 100, keyField: 'customer_id', many: true } } },
  ])('connectors/$file parses, reads ${$env} and declares its operations', ({ file, env, port, operations }) => {
    const connector = connectors[file]!;
    expect(connector.name).toBe(file.replace('.yaml', ''));
    expect(connector.baseUrl).toBe(`\${${env}:-http://127.0.0.1:${port}}`);
    expect(Object.keys(upstreams.env)).toContain(env);
    const batches = Object.fromEntries(Object.entries(connector.operations).map(([name, op]) => [name, op.batch && { maxSize: op.batch.maxSize, keyField: op.batch.keyField, many: op.batch.many }]));
    expect(batches).toEqual(operations);
  });

  test('connectors/risk.yaml is a gRPC connector that reads ${RISK_ADDRESS} (4105 by default) and batches by customer', () => {
    const risk = connectors['risk.yaml']!;
    expect([risk.name, risk.transport, risk.address]).toEqual(['risk', 'grpc', '${RISK_ADDRESS:-127.0.0.1:4105}']);
    expect(Object.keys(upstreams.env)).toContain('RISK_ADDRESS');
    expect(risk.operations.scoresByCustomer!.batch).toEqual({ maxSize: 100, keyField: 'customer_id', acrossRequests: true });
  });

  test('connectors/loyalty.yaml is a Thrift connector (compact, framed) that reads ${LOYALTY_ADDRESS} (4106 by default) and batches by customer', () => {
    const loyalty = connectors['loyalty.yaml']!;
    expect([loyalty.name, loyalty.transport, loyalty.address, loyalty.protocol, loyalty.framing]).toEqual(['loyalty', 'thrift', '${LOYALTY_ADDRESS:-127.0.0.1:4106}', 'compact', 'framed']);
    expect(Object.keys(upstreams.env)).toContain('LOYALTY_ADDRESS');
    expect(loyalty.operations.accountsByCustomer!.batch).toEqual({ maxSize: 100, keyField: 'customerId', acrossRequests: true });
  });

  test('no other connector files exist (the tables above cover them all)', () => {
    expect(Object.keys(connectors)).toEqual(['agents.yaml', 'crm.yaml', 'loyalty.yaml', 'orders.yaml', 'risk.yaml', 'tickets.yaml']);
  });

  test('every schemas/*.graphql parses, and every @source names a declared connector operation', () => {
    expect(Object.keys(schemas).length).toBeGreaterThan(0);
    const bindings: string[] = [];
    for (const document of Object.values(schemas)) {
      visit(document, {
        Directive(node) {
          if (node.name.value !== 'source') return;
          const arg = (name: string) => node.arguments?.find((a) => a.name.value === name)?.value;
          const connector = arg('connector');
          const operation = arg('operation');
          if (connector?.kind === Kind.STRING && operation?.kind === Kind.STRING) bindings.push(`${connector.value}.${operation.value}`);
        },
      });
    }
    const declared = Object.values(connectors).flatMap((c) => Object.keys(c.operations).map((op) => `${c.name}.${op}`));
    expect(bindings.filter((b) => !declared.includes(b))).toEqual([]);
    expect(new Set(bindings)).toEqual(new Set(['crm.getCustomers', 'agents.getAgents', 'orders.ordersByCustomer', 'orders.recentOrdersGrouped', 'tickets.ticketsByCustomer', 'risk.scoresByCustomer', 'loyalty.accountsByCustomer']));
  });

  test('every type and field in the demo schema has a description (GraphiQL shows them)', () => {
    const missing: string[] = [];
    visit(schemas['demo.graphql']!, {
      ObjectTypeDefinition(node) {
        if (!node.description) missing.push(node.name.value);
        for (const field of node.fields ?? []) if (!field.description) missing.push(`${node.name.value}.${field.name.value}`);
      },
    });
    expect(missing).toEqual([]);
  });

  test('every operation, rendered with a sample id, reaches a demo route and finds its result', async () => {
    const answers: Record<string, number> = {};
    for (const connector of Object.values(connectors)) {
      // The gRPC and Thrift connectors are exercised end to end in test/e2e/demo-risk.test.ts and demo-loyalty.test.ts.
      if (connector.transport === 'grpc' || connector.transport === 'thrift') continue;
      const sampleId = connector.name === 'agents' ? 'a1' : '1';
      const baseUrl = upstreams.env[connector.baseUrl.slice(2, connector.baseUrl.indexOf(':-')) as keyof DemoUpstreams['env']];
      for (const [name, op] of Object.entries(connector.operations)) {
        const url = new URL(baseUrl + op.path.replace('{id}', encodeURIComponent(sampleId)));
        // Only {keys} is filled in; other params are null here, and null query params are left out.
        for (const [param, template] of Object.entries(op.query ?? {})) if (template === '{keys}') url.searchParams.set(param, sampleId);
        const response = await fetch(url);
        const body = (await response.json()) as Record<string, unknown>;
        answers[`${connector.name}.${name}`] = response.status;
        expect(body[op.result ?? '']).toBeDefined();
      }
    }
    expect(answers).toEqual({
      'agents.getAgent': 200,
      'agents.getAgents': 200,
      'crm.getCustomer': 200,
      'crm.getCustomers': 200,
      'orders.ordersByCustomer': 200,
      'orders.ordersOfCustomer': 200,
      'orders.recentOrdersGrouped': 200,
      'tickets.ticketsByCustomer': 200,
    });
  });
});
