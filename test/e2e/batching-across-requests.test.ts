import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { POSTS_YAML, USERS_SCHEMA, USERS_YAML, userRecord } from './fixtures.ts';
import { validateConfig } from '../../src/index.ts';
import type { PreparedDocument } from '../../src/plan/index.ts';
import type { GatewayResult } from '../../src/execute/create-executor.ts';
import { RequestLoaders, type UpstreamCallStats } from '../../src/execute/loaders.ts';
import { SharedBatches } from '../../src/execute/shared-batches.ts';
import { ConcurrencyLimit } from '../../src/resilience/index.ts';
import { createHttpTransport } from '../../src/transports/http/http-transport.ts';

// The fixtures' connectors, with both batched operations sharing calls across requests.
const shareAcrossRequests = (yaml: string): string => yaml.replace(/\n( +)keyField: [^\n]+\n/, (line, indent: string) => `${line}${indent}acrossRequests: true\n`);
const USERS_SHARED = shareAcrossRequests(USERS_YAML);
const POSTS_SHARED = shareAcrossRequests(POSTS_YAML);

let users: FakeUpstream;
let posts: FakeUpstream;
let usersDelayMs = 0;
let postsFail = false;
let config: { dir: string; remove(): Promise<void> };
let shared: TestGateway;
let solo: TestGateway;
let quiet: TestGateway;
let offByYaml: TestGateway;
let offByYamlConfig: { dir: string; remove(): Promise<void> };
let alwaysByYaml: TestGateway;
let alwaysByYamlConfig: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  users = await startFakeUpstream((call, res) => {
    const ids = (call.url.searchParams.get('ids') ?? '').split(',');
    // Reversed: items are matched to requests by key, never by position.
    setTimeout(() => json(res, 200, { items: ids.map(userRecord).filter(Boolean).reverse() }), usersDelayMs);
  });
  posts = await startFakeUpstream((call, res) => {
    if (postsFail) return json(res, 500, { error: 'posts down' });
    const tag = call.url.searchParams.get('tag') ?? 'none';
    json(res, 200, { items: (call.url.searchParams.get('userIds') ?? '').split(',').map((id) => ({ id: `p${id}`, user_id: id, title: `${tag} of ${id}` })) });
  });
  config = await writeConfigDir({ schemas: { 'users.graphql': USERS_SCHEMA }, connectors: { 'users.yaml': USERS_SHARED, 'posts.yaml': POSTS_SHARED } });
  const env = { USERS_URL: users.url, POSTS_URL: posts.url };
  // Pooling whatever the event loop's load, so that requests started together always pool.
  shared = await startGateway({ configDir: config.dir, env, batchAcrossRequestsAbove: 0 });
  solo = await startGateway({ configDir: config.dir, env, batchAcrossRequests: false });
  // Pools only above 100% event-loop utilisation: never, as on a quiet gateway.
  quiet = await startGateway({ configDir: config.dir, env, batchAcrossRequestsAbove: 1 });
  // An operator turns pooling off for every operation in gateway.yaml, whatever the connectors say.
  offByYamlConfig = await writeConfigDir({ schemas: { 'users.graphql': USERS_SCHEMA }, connectors: { 'users.yaml': USERS_SHARED, 'posts.yaml': POSTS_SHARED } });
  await writeFile(path.join(offByYamlConfig.dir, 'gateway.yaml'), 'batching:\n  acrossRequests: false\n  busyAbove: 0\n');
  offByYaml = await startGateway({ configDir: offByYamlConfig.dir, env });
  alwaysByYamlConfig = await writeConfigDir({ schemas: { 'users.graphql': USERS_SCHEMA }, connectors: { 'users.yaml': USERS_SHARED, 'posts.yaml': POSTS_SHARED } });
  await writeFile(path.join(alwaysByYamlConfig.dir, 'gateway.yaml'), 'batching:\n  busyAbove: 0\n');
  alwaysByYaml = await startGateway({ configDir: alwaysByYamlConfig.dir, env });
});

afterEach(() => {
  users.calls.length = 0;
  posts.calls.length = 0;
  usersDelayMs = 0;
  postsFail = false;
});

afterAll(async () => {
  await shared.close();
  await solo.close();
  await quiet.close();
  await offByYaml.close();
  await offByYamlConfig.remove();
  await alwaysByYaml.close();
  await alwaysByYamlConfig.remove();
  await users.close();
  await posts.close();
  await config.remove();
});

const batchesOf = (upstream: FakeUpstream, param: string) => upstream.calls.map((c) => c.url.searchParams.get(param)!.split(','));

const USER_WITH_POSTS = 'query($id: ID!) { userB(id: $id) { id name posts(tag: "t") { title } } }';

/**
 * Starts one execution per entry in the same synchronous loop, as requests whose upstream
 * answers or bodies arrive in the same event-loop turn are: deterministic, unlike concurrent
 * sockets, whose turns the kernel decides.
 */
function executeTogether(gw: TestGateway, query: string, requests: { variables: Record<string, unknown>; timeoutMs?: number }[]): Promise<GatewayResult[]> {
  const executor = gw.gateway.executor;
  const prepared = executor.planCache.prepareText(query) as PreparedDocument;
  return Promise.all(
    requests.map((r, i) =>
      executor.execute({ prepared, operationName: undefined, variables: r.variables, requestId: `r${i}`, explain: true, deadlineAt: performance.now() + (r.timeoutMs ?? 10_000) }),
    ),
  );
}

const userWithPosts = (id: string) => ({ userB: { id, name: `User ${id}`, posts: [{ title: `t of ${id}` }] } });

describe('batch.acrossRequests', () => {
  test.for([
    { name: 'batchAcrossRequestsAbove: 0', gateway: () => shared },
    { name: 'gateway.yaml batching.busyAbove: 0', gateway: () => alwaysByYaml },
  ])('requests in the same turn share each level’s calls, de-duplicated; each gets only its own keys ($name)', async ({ gateway }) => {
    const ids = ['1', '2', '2', '3'];
    const results = await executeTogether(gateway(), USER_WITH_POSTS, ids.map((id) => ({ variables: { id } })));
    results.forEach((result, i) => {
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual(userWithPosts(ids[i]!));
    });
    expect(batchesOf(users, 'ids')).toEqual([['1', '2', '3']]);
    expect(batchesOf(posts, 'userIds')).toEqual([['1', '2', '3']]);
    // Each request counts the call that carried its keys, with the call's whole batch size.
    for (const result of results) {
      expect(result.upstreamCalls!['users.getUsers']).toEqual({ calls: 1, batchSizes: [3], failures: 0, retries: 0, cacheHits: 0, sharedCalls: 1 });
      expect(result.upstreamCalls!['posts.postsByUser']).toEqual({ calls: 1, batchSizes: [3], failures: 0, retries: 0, cacheHits: 0, sharedCalls: 1 });
    }
  });

  test('a pooled batch that reaches maxSize goes out at once; the keys after it make the next call', async () => {
    const ids = ['1', '2', '3', '4', '6'];
    const results = await executeTogether(shared, 'query($id: ID!) { userB(id: $id) { id } }', ids.map((id) => ({ variables: { id } })));
    expect(results.map((r) => r.data)).toEqual(ids.map((id) => ({ userB: { id } })));
    expect(batchesOf(users, 'ids').sort()).toEqual([['1', '2', '3'], ['4', '6']]);
    expect(results[0]!.upstreamCalls!['users.getUsers']).toMatchObject({ calls: 1, batchSizes: [3], sharedCalls: 1 });
    expect(results[4]!.upstreamCalls!['users.getUsers']).toMatchObject({ calls: 1, batchSizes: [2], sharedCalls: 1 });
  });

  test('a request whose own keys fill a call sends it alone; requests with room left pool', async () => {
    const query = 'query($ids: [ID!]!) { users(ids: $ids) { id } }';
    // maxSize is 3: the first request fills one call and has one key left over, which pools.
    const results = await executeTogether(shared, query, [{ variables: { ids: ['1', '2', '3', '4'] } }, { variables: { ids: ['5', '6'] } }, { variables: { ids: ['7'] } }]);
    expect(results.map((r) => r.data)).toEqual([
      { users: [{ id: '1' }, { id: '2' }, { id: '3' }, { id: '4' }] },
      { users: [{ id: '5' }, { id: '6' }] },
      { users: [{ id: '7' }] },
    ]);
    expect(batchesOf(users, 'ids').sort()).toEqual([['1', '2', '3'], ['4', '5', '6'], ['7']]);
    expect(results[0]!.upstreamCalls!['users.getUsers']).toMatchObject({ calls: 2, batchSizes: [3, 3], sharedCalls: 1 });
  });

  test.for([
    { name: 'with batchAcrossRequests: false', gateway: () => solo },
    { name: 'while the event loop is below batchAcrossRequestsAbove', gateway: () => quiet },
    { name: 'with gateway.yaml batching.acrossRequests: false', gateway: () => offByYaml },
  ])('$name, every request makes its own calls at once', async ({ gateway }) => {
    const ids = ['1', '2', '3'];
    const results = await executeTogether(gateway(), USER_WITH_POSTS, ids.map((id) => ({ variables: { id } })));
    results.forEach((result, i) => expect(result.data).toEqual(userWithPosts(ids[i]!)));
    expect(batchesOf(users, 'ids').sort()).toEqual([['1'], ['2'], ['3']]);
    expect(batchesOf(posts, 'userIds').sort()).toEqual([['1'], ['2'], ['3']]);
    expect(results[0]!.upstreamCalls!['users.getUsers']).toEqual({ calls: 1, batchSizes: [1], failures: 0, retries: 0, cacheHits: 0 });
  });

  test('calls with different params are never merged', async () => {
    const query = 'query($id: ID!, $tag: String) { userB(id: $id) { posts(tag: $tag) { title } } }';
    const results = await executeTogether(shared, query, [{ variables: { id: '1', tag: 'a' } }, { variables: { id: '2', tag: 'b' } }, { variables: { id: '3', tag: 'a' } }]);
    expect(results.map((r) => r.data)).toEqual([{ userB: { posts: [{ title: 'a of 1' }] } }, { userB: { posts: [{ title: 'b of 2' }] } }, { userB: { posts: [{ title: 'a of 3' }] } }]);
    expect(posts.calls.map((c) => [c.url.searchParams.get('tag'), c.url.searchParams.get('userIds')]).sort()).toEqual([
      ['a', '1,3'],
      ['b', '2'],
    ]);
  });

  test('a failed shared call costs every request only the fields that depend on it', async () => {
    postsFail = true;
    const results = await executeTogether(shared, USER_WITH_POSTS, [{ variables: { id: '1' } }, { variables: { id: '2' } }]);
    // One shared call, retried by the connector's policy: every attempt carries both requests' keys.
    expect(batchesOf(posts, 'userIds')).toEqual(posts.calls.map(() => ['1', '2']));
    results.forEach((result, i) => {
      expect(result.data).toEqual({ userB: { id: String(i + 1), name: `User ${i + 1}`, posts: null } });
      expect(result.errors?.map((e) => [e.path, e.extensions.code])).toEqual([[['userB', 'posts'], 'UPSTREAM_HTTP_ERROR']]);
      expect(result.upstreamCalls!['posts.postsByUser']).toEqual({ calls: 1, batchSizes: [2], failures: 1, retries: posts.calls.length - 1, cacheHits: 0, sharedCalls: 1 });
    });
  });

  test('a request whose deadline comes first stops waiting then; the shared call goes on for the others', async () => {
    usersDelayMs = 300;
    const settled: string[] = [];
    const [short, long] = await Promise.all([
      executeTogether(shared, 'query($id: ID!) { userB(id: $id) { id } }', [{ variables: { id: '1' }, timeoutMs: 60 }]).then(([r]) => (settled.push('short'), { r: r! })),
      executeTogether(shared, 'query($id: ID!) { userB(id: $id) { id } }', [{ variables: { id: '2' } }]).then(([r]) => (settled.push('long'), { r: r! })),
    ]);
    expect(users.calls).toHaveLength(1);
    expect(batchesOf(users, 'ids')).toEqual([['1', '2']]);
    expect(short.r.data).toEqual({ userB: null });
    expect(short.r.errors?.map((e) => e.extensions.code)).toEqual(['UPSTREAM_TIMEOUT']);
    // The short request's 60 ms deadline ended its wait before the 300 ms call answered the other.
    expect(settled).toEqual(['short', 'long']);
    expect(long.r.errors).toBeUndefined();
    expect(long.r.data).toEqual({ userB: { id: '2' } });
  });

  test('concurrent HTTP callers each get exactly their own answer', async () => {
    const ids = ['1', '2', '3', '4', '6', '7', '8', '9', '1', '3', '7', '9'];
    const answers = await Promise.all(ids.map((id) => shared.query(USER_WITH_POSTS, { id })));
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ data: userWithPosts(ids[i]!) });
    });
    // However the kernel spread them over turns, no key was asked twice within one call, and every key was asked.
    for (const batch of batchesOf(users, 'ids')) expect(new Set(batch).size).toBe(batch.length);
    expect(new Set(batchesOf(users, 'ids').flat())).toEqual(new Set(ids));
  });
});

describe('forwarded headers', () => {
  test('keys are shared only between requests that forward the same headers (all but x-request-id)', async () => {
    const report = await validateConfig({ configDir: config.dir, env: { USERS_URL: users.url, POSTS_URL: posts.url } });
    const op = report.blueprint!.operations.get('users.getUsers')!;
    const transport = createHttpTransport();
    const batches = new SharedBatches(() => (request, options) => transport.send(request, options), 0);
    const loadersFor = (headers: Record<string, string>) =>
      new RequestLoaders({
        sendFor: () => {
          throw new Error('shared operations go through SharedBatches');
        },
        deadlineAt: undefined,
        headers,
        limit: new ConcurrencyLimit(8),
        stats: new Map<string, UpstreamCallStats>(),
        onUpstreamError: () => undefined,
        sharedBatches: batches,
      });
    const callers = [
      { headers: { 'x-request-id': 'a', 'x-caller': 'billing' }, id: '1' },
      { headers: { 'x-request-id': 'b', 'x-caller': 'billing' }, id: '2' },
      { headers: { 'x-request-id': 'c', 'x-caller': 'support' }, id: '3' },
    ];
    const items = await Promise.all(callers.map((c) => loadersFor(c.headers).loadKeys(op, {}, [c.id]).then(([item]) => item)));
    await transport.close();
    expect(items.map((item) => (item as { id: string }).id)).toEqual(['1', '2', '3']);
    expect(users.calls.map((c) => [c.headers['x-caller'], c.headers['x-request-id'], c.url.searchParams.get('ids')]).sort()).toEqual([
      ['billing', 'a', '1,2'],
      ['support', 'c', '3'],
    ]);
  });
});
