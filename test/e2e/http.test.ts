import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { POSTS_YAML, USERS_SCHEMA, USERS_YAML, userRecord } from './fixtures.ts';

let users: FakeUpstream;
let dev: TestGateway;
let prod: TestGateway;
let config: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  users = await startFakeUpstream((call, res) => {
    const ids = (call.url.searchParams.get('ids') ?? '').split(',');
    json(res, 200, { items: ids.map(userRecord).filter(Boolean) });
  });
  config = await writeConfigDir({ schemas: { 'users.graphql': USERS_SCHEMA }, connectors: { 'users.yaml': USERS_YAML, 'posts.yaml': POSTS_YAML } });
  const env = { USERS_URL: users.url, POSTS_URL: 'http://127.0.0.1:9' };
  dev = await startGateway({ configDir: config.dir, env, dev: true });
  prod = await startGateway({ configDir: config.dir, env, dev: false });
});

afterAll(async () => {
  await dev.close();
  await prod.close();
  await users.close();
  await config.remove();
});

const post = (gw: TestGateway, body: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('HTTP endpoint', () => {
  test.for([
    { name: 'health', path: '/healthz', init: {}, status: 200 },
    { name: 'readiness', path: '/readyz', init: {}, status: 200 },
    { name: 'unknown path', path: '/nope', init: {}, status: 404 },
    { name: 'GET through yoga', path: '/graphql?query=%7B__typename%7D', init: {}, status: 200 },
    { name: 'fast path', path: '/graphql', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }, status: 200 },
    { name: 'bad timeout header', path: '/graphql', init: { method: 'POST', headers: { 'content-type': 'application/json', 'x-tessera-timeout-ms': 'soon' }, body: '{}' }, status: 400 },
    { name: 'explain refused', path: '/graphql', init: { method: 'POST', headers: { 'content-type': 'application/json', 'x-tessera-explain': '1' }, body: '{}' }, status: 403 },
    { name: 'invalid document via yoga', path: '/graphql', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ nope }"}' }, status: 200 },
  ])('every answer carries the request id: $name', async ({ path, init, status }) => {
    const headers = { ...(init as { headers?: Record<string, string> }).headers, 'x-request-id': 'echo-me-1' };
    const response = await fetch(`${prod.url}${path}`, { ...init, headers });
    await response.text();
    expect([response.status, response.headers.get('x-request-id')]).toEqual([status, 'echo-me-1']);
  });

  test('health and readiness', async () => {
    for (const [path, body] of [['/healthz', { status: 'ok' }], ['/readyz', { status: 'ready' }]] as const) {
      const response = await fetch(`${prod.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject(body);
    }
  });

  test('unknown paths are a JSON 404', async () => {
    const response = await fetch(`${prod.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: [{ message: 'Not found. The GraphQL endpoint is /graphql.', extensions: { code: 'NOT_FOUND' } }] });
  });

  test('GraphiQL is served in dev mode only', async () => {
    const page = await fetch(`${dev.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('GraphiQL');
    const none = await fetch(`${prod.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(none.status).toBe(406);
    expect(await none.text()).not.toContain('<html');
  });

  test('GET queries run through the same engine', async () => {
    const response = await fetch(`${prod.url}/graphql?query=${encodeURIComponent('{ userB(id: "2") { name } }')}`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { userB: { name: 'User 2' } } });
  });

  test.for([
    { name: 'malformed JSON', body: '{"query": ', status: 400, code: 'BAD_REQUEST' },
    { name: 'syntax error', body: JSON.stringify({ query: '{ users(' }), status: 200, code: 'GRAPHQL_PARSE_FAILED' },
    { name: 'unknown field', body: JSON.stringify({ query: '{ nope }' }), status: 200, code: 'GRAPHQL_VALIDATION_FAILED' },
    { name: 'bad variable', body: JSON.stringify({ query: 'query($id: ID!) { userB(id: $id) { id } }', variables: { id: { a: 1 } } }), status: 200, code: 'REQUEST_INVALID_VARIABLES' },
    { name: 'missing variable', body: JSON.stringify({ query: 'query($id: ID!) { userB(id: $id) { id } }' }), status: 200, code: 'REQUEST_INVALID_VARIABLES' },
    { name: 'unknown operation name', body: JSON.stringify({ query: 'query A { userB(id: "1") { id } }', operationName: 'B' }), status: 200, code: 'REQUEST_UNKNOWN_OPERATION' },
    { name: 'several operations, no name', body: JSON.stringify({ query: 'query A { __typename } query B { __typename }' }), status: 200, code: 'REQUEST_UNKNOWN_OPERATION' },
    { name: 'mutation', body: JSON.stringify({ query: 'mutation { x }' }), status: 200, code: 'REQUEST_OPERATION_NOT_SUPPORTED' },
    { name: 'not an object', body: '[1, 2]', status: 400, code: 'BAD_REQUEST' },
    { name: 'query not a string', body: JSON.stringify({ query: 42 }), status: 400, code: 'BAD_REQUEST' },
  ])('$name gets a GraphQL error with a stable code, never a stack trace', async ({ body, status, code }) => {
    const response = await post(prod, body);
    expect(response.status).toBe(status);
    const payload = (await response.json()) as { errors: { message: string; extensions?: { code?: string } }[] };
    expect(payload.errors.length).toBeGreaterThan(0);
    expect(payload.errors[0]!.extensions?.code).toBe(code);
    expect(JSON.stringify(payload)).not.toMatch(/at .*\.ts:\d+/);
  });

  test('a body over the limit is refused with 413', async () => {
    const response = await post(prod, JSON.stringify({ query: `{ userB(id: "1") { id } } #${'x'.repeat(1_100_000)}` }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('REQUEST_INVALID');
  });

  test('the explain header returns the plan and the upstream calls made (dev mode)', async () => {
    users.calls.length = 0;
    const response = await post(dev, JSON.stringify({ query: '{ a: userB(id: "1") { id } b: userB(id: "2") { id } }' }), { 'x-tessera-explain': '1' });
    const body = (await response.json()) as { extensions: { tessera: { plan: { fetchCount: number }; upstreamCalls: unknown } } };
    expect(body.extensions.tessera.plan.fetchCount).toBe(2);
    expect(body.extensions.tessera.upstreamCalls).toEqual({ 'users.getUsers': { calls: 1, batchSizes: [2], failures: 0, retries: 0, cacheHits: 0, answer: 'list by id' } });
    expect(users.calls).toHaveLength(1);
  });

  test('the explain header is refused outside dev mode', async () => {
    const response = await post(prod, JSON.stringify({ query: '{ userB(id: "1") { id } }' }), { 'x-tessera-explain': '1' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('REQUEST_EXPLAIN_FORBIDDEN');
  });

  test('one access-log line per request with id, operation, status and upstream calls; an unverified x-caller-id is no caller', async () => {
    prod.logs.length = 0;
    await post(prod, JSON.stringify({ query: 'query Who { userB(id: "3") { id } }', operationName: 'Who' }), { 'x-request-id': 'log-test-1', 'x-caller-id': 'billing' });
    const lines = prod.logs.filter((l) => l.msg === 'request completed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reqId: 'log-test-1', operationName: 'Who', status: 200, upstreamCallCount: 1, path: '/graphql' });
    // Authentication is off here (no callers.yaml): nobody is verified, so no caller is logged.
    expect(lines[0]).not.toHaveProperty('callerId');
  });

  test('the fast path and yoga give the same body for the same query', async () => {
    const query = '{ a: userB(id: "1") { id name __typename } users(ids: ["2", "3"]) { city } }';
    const fast = await post(prod, JSON.stringify({ query }));
    const viaYoga = await post(prod, JSON.stringify({ query }), { accept: 'application/graphql-response+json' });
    expect(await fast.text()).toBe(await viaYoga.text());
  });
});
