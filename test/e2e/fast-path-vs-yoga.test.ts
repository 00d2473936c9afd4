import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/upstreams.ts';
import { REPO_ROOT, startGateway, type TestGateway } from '../support/gateway.ts';
import { startDirectory, type Directory } from './directory-fixtures.ts';

/**
 * The fast path (plain node:http, one JSON.stringify) must be indistinguishable from graphql-yoga
 * serving the same request: byte-identical body, same status, same content type. The same POST is
 * sent twice: once as is (fast path) and once with `"extensions": {}`, which the fast path leaves to
 * yoga. Covers data, aliases, fragments, variables, introspection and every kind of error the
 * executor produces.
 */
const CASES: { name: string; query: string; variables?: Record<string, unknown>; operationName?: string; unavailableTickets?: boolean; directory?: boolean; unavailableRisk?: boolean }[] = [
  { name: 'profile', query: 'query Profile($id: ID!) { customer(id: $id) { id name email tier points status } }', variables: { id: '42' } },
  {
    name: 'agent panel, three levels',
    query: `query Panel($id: ID!) { customer(id: $id) { id name tier points vip orders(limit: 10) { id createdAt totalCents currency status }
              tickets(status: "open") { id subject priority agent { id name team } } } }`,
    variables: { id: '52' },
  },
  { name: 'fifty customers', query: 'query ($ids: [ID!]!) { customers(ids: $ids) { id name orders(limit: 3) { id totalCents } } }', variables: { ids: Array.from({ length: 50 }, (_, i) => String(i + 1)) } },
  { name: 'aliases, fragments and __typename', query: '{ a: customer(id: "11") { ...C } b: customer(id: "12") { ...C __typename } } fragment C on Customer { id name address { city } }' },
  { name: 'non-ASCII data', query: '{ customers(ids: ["1", "2", "3", "4", "5", "6", "7", "8"]) { name address { street city } } }' },
  { name: 'introspection beside data', query: '{ __typename __type(name: "Agent") { name } agent(id: "a7") { id name } }' },
  { name: 'operation chosen by name', query: 'query A { agent(id: "a1") { id } } query B { agent(id: "a2") { name } }', operationName: 'B' },
  { name: 'error: unknown ids are null with errors at their positions', query: '{ customers(ids: ["3", "nope", "99999"]) { id name } customer(id: "0") { id } }' },
  { name: 'error: a non-null field of an unknown entity bubbles up', query: '{ agent(id: "zz") { id } }' },
  { name: 'error: an upstream that is down', query: '{ customer(id: "42") { id tickets { id } } }', unavailableTickets: true },
  { name: 'a gRPC upstream (Risk): int64, enum and Timestamp fields', query: '{ customers(ids: ["1", "97"]) { id risk { fraudScore level flags exposureMicros assessedAt } } }' },
  { name: 'error: a gRPC upstream that is down', query: '{ customer(id: "42") { id name risk { level } } }', unavailableRisk: true },
  { name: 'error: unknown operation name', query: 'query A { agent(id: "a1") { id } }', operationName: 'Nope' },
  { name: 'error: several operations and no name', query: 'query A { agent(id: "a1") { id } } query B { agent(id: "a2") { id } }' },
  { name: 'error: a variable of the wrong type', query: 'query ($id: ID!) { customer(id: $id) { id } }', variables: { id: { not: 'an id' } } },
  { name: 'error: a required variable missing', query: 'query ($id: ID!) { customer(id: $id) { id } }' },
  // Mutations and abstract types, against the directory service (test/e2e/directory-fixtures.ts).
  {
    name: 'mutations in order, with an input object and nested fetches',
    query: 'mutation ($input: PersonInput!) { a: createPerson(input: $input) { id employer { name } } b: renamePerson(id: "p2", name: "G") { __typename name } }',
    variables: { input: { name: 'Ada', employerId: 'c1' } },
    directory: true,
  },
  { name: 'error: a failed mutation is located and the next still runs', query: 'mutation { a: createPerson(input: { name: "fail" }) { id } b: deletePerson(id: "p1") }', directory: true },
  { name: 'error: a failed non-null mutation nulls data', query: 'mutation { gone: deletePerson(id: "down") }', directory: true },
  {
    name: 'a union with fragments on each type and on the interface',
    query: '{ search(q: "all") { __typename ... on Party { id } ... on Person { employer { name } } ... on Company { ceo { name } } ... on Tag { label } } }',
    directory: true,
  },
  { name: 'an interface with its fields selected directly', query: '{ parties(ids: ["c1", "p1"]) { __typename id name } }', directory: true },
  { name: 'error: an unknown discriminator value', query: '{ parties(ids: ["p1", "x1"]) { id } search(q: "robots") { __typename } }', directory: true },
];

let upstreams: DemoUpstreams;
let gateway: TestGateway;
let ticketsDown: TestGateway;
let directory: Directory;
let riskDown: TestGateway;
beforeAll(async () => {
  directory = await startDirectory();
  upstreams = await startDemoUpstreams();
  gateway = await startGateway({ configDir: REPO_ROOT, env: upstreams.env });
  ticketsDown = await startGateway({ configDir: REPO_ROOT, env: { ...upstreams.env, TICKETS_URL: 'http://127.0.0.1:9' } });
  riskDown = await startGateway({ configDir: REPO_ROOT, env: { ...upstreams.env, RISK_ADDRESS: '127.0.0.1:9' } });
});
afterAll(async () => {
  await gateway?.close();
  await ticketsDown?.close();
  await directory?.close();
  await riskDown?.close();
  await upstreams?.close();
});

async function post(gw: TestGateway, body: unknown): Promise<{ status: number; contentType: string | null; requestId: string | null; text: string }> {
  const response = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'differential-1' },
    body: JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), requestId: response.headers.get('x-request-id'), text: await response.text() };
}

/** A dev-mode diagnosis says how long the attempts took: the one part two identical requests may not share. */
function withoutTimings(text: string): string {
  return text.replace(/"elapsedMs":\d+/g, '"elapsedMs":0').replace(/\b\d+(?:\.\d+)? (ms|s)\b/g, '0 $1');
}

describe('differential: fast path vs graphql-yoga for the same POST', () => {
  test.for(CASES)('$name', async ({ name, query, variables, operationName, unavailableTickets, unavailableRisk, directory: onDirectory }) => {
    const gw = onDirectory ? directory.gateway : unavailableTickets ? ticketsDown : unavailableRisk ? riskDown : gateway;
    const stats = gw.gateway.executor.planCache.stats;
    const body = { query, variables, operationName };

    const before = stats.documentHits + stats.documentMisses;
    const fast = await post(gw, body);
    // Both doors admit the document (limits) by looking its text up in the plan cache, once each:
    // yoga's lookup is a hit, measured already.
    expect(stats.documentHits + stats.documentMisses).toBe(before + 1);
    const hits = stats.documentHits;
    const viaYoga = await post(gw, { ...body, extensions: {} });
    expect(stats.documentHits + stats.documentMisses).toBe(before + 2);
    expect(stats.documentHits).toBe(hits + 1);

    expect(withoutTimings(fast.text)).toBe(withoutTimings(viaYoga.text));
    expect(fast.status).toBe(viaYoga.status);
    expect(fast.contentType).toBe(viaYoga.contentType);
    expect(fast.requestId).toBe(viaYoga.requestId);
    expect(fast.status).toBe(200);
    expect(JSON.parse(fast.text)).toHaveProperty(name.startsWith('error:') ? 'errors' : 'data');
  });
});
