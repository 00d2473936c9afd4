import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { POSTS_YAML, USERS_SCHEMA, USERS_YAML, userRecord } from './fixtures.ts';
import { locationOf } from '../support/location-of.ts';

let users: FakeUpstream;
let posts: FakeUpstream;
let postsMode: 'ok' | 'fail' = 'ok';
let gw: TestGateway;
let config: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  users = await startFakeUpstream((call, res) => {
    const single = /^\/users\/([^/?]+)$/.exec(call.url.pathname);
    if (single) {
      const user = userRecord(decodeURIComponent(single[1]!));
      return user ? json(res, 200, { user }) : json(res, 404, { error: 'not found' });
    }
    const ids = (call.url.searchParams.get('ids') ?? '').split(',');
    // Reversed on purpose: the gateway must match items by key, not by position.
    json(res, 200, { items: ids.map(userRecord).filter(Boolean).reverse() });
  });
  posts = await startFakeUpstream((call, res) => {
    if (postsMode === 'fail') return json(res, 500, { error: 'database on fire', stack: 'secret internals' });
    const tag = call.url.searchParams.get('tag') ?? 'none';
    const items = (call.url.searchParams.get('userIds') ?? '').split(',').flatMap((id) => [
      { id: `p${id}a`, user_id: id, title: `${tag} A of ${id}` },
      { id: `p${id}b`, user_id: id, title: `${tag} B of ${id}` },
    ]);
    json(res, 200, { items });
  });
  config = await writeConfigDir({ schemas: { 'users.graphql': USERS_SCHEMA }, connectors: { 'users.yaml': USERS_YAML, 'posts.yaml': POSTS_YAML } });
  gw = await startGateway({ configDir: config.dir, env: { USERS_URL: users.url, POSTS_URL: posts.url } });
});

afterEach(() => {
  users.calls.length = 0;
  posts.calls.length = 0;
  postsMode = 'ok';
});

afterAll(async () => {
  await gw.close();
  await users.close();
  await posts.close();
  await config.remove();
});

const batchesOf = (upstream: FakeUpstream, param: string) => upstream.calls.map((c) => c.url.searchParams.get(param)!.split(','));

describe('batching', () => {
  test('a list of keys larger than maxSize is split into declared-size batches, answered in key order', async () => {
    const ids = ['1', '2', '3', '4', '6', '7', '8'];
    const { body } = await gw.query('query($ids: [ID!]!) { users(ids: $ids) { id name } }', { ids });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ users: ids.map((id) => ({ id, name: `User ${id}` })) });
    expect(batchesOf(users, 'ids')).toEqual([['1', '2', '3'], ['4', '6', '7'], ['8']]);
  });

  test('the same key twice becomes one key; children of all parents share one batch', async () => {
    const { body } = await gw.query('{ users(ids: ["2", "1", "2"]) { id posts { id } } }');
    expect(body.data).toEqual({
      users: [
        { id: '2', posts: [{ id: 'p2a' }, { id: 'p2b' }] },
        { id: '1', posts: [{ id: 'p1a' }, { id: 'p1b' }] },
        { id: '2', posts: [{ id: 'p2a' }, { id: 'p2b' }] },
      ],
    });
    expect(batchesOf(users, 'ids')).toEqual([['2', '1']]);
    expect(batchesOf(posts, 'userIds')).toEqual([['2', '1']]);
  });

  test('five aliased lookups become one batch call', async () => {
    const { body } = await gw.query('{ a: userB(id: "1") { id } b: userB(id: "2") { id } c: userB(id: "3") { name } d: userB(id: "1") { city } e: userB(id: "4") { id } }');
    expect(body.data).toEqual({ a: { id: '1' }, b: { id: '2' }, c: { name: 'User 3' }, d: { city: 'City 1' }, e: { id: '4' } });
    // maxSize is 3: four distinct keys make two calls, never one call per alias.
    expect(batchesOf(users, 'ids')).toEqual([['1', '2', '3'], ['4']]);
  });

  test('different non-key params make separate batches; the same params share one', async () => {
    const { body } = await gw.query('{ users(ids: ["1", "2"]) { news: posts(tag: "news") { title } all: posts { id } again: posts(tag: "news") { id } } }');
    expect(body.errors).toBeUndefined();
    expect(posts.calls.map((c) => c.rawPath).sort()).toEqual(['/posts?userIds=1%2C2', '/posts?userIds=1%2C2&tag=news']);
  });

  test('params read from each parent: one call per distinct params, each parent gets its own keys', async () => {
    const { body } = await gw.query('{ users(ids: ["1", "2"]) { id postsFromCity { title } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      users: ['1', '2'].map((id) => ({ id, postsFromCity: [{ title: `City ${id} A of ${id}` }, { title: `City ${id} B of ${id}` }] })),
    });
    expect(posts.calls.map((c) => [c.url.searchParams.get('tag'), c.url.searchParams.get('userIds')]).sort()).toEqual([
      ['City 1', '1'],
      ['City 2', '2'],
    ]);
  });

  test('a key the upstream does not return is null with an error at its own position, never a shifted answer', async () => {
    const query = '{ users(ids: ["1", "404", "3"]) { id } }';
    const { body } = await gw.query(query);
    expect(body.data).toEqual({ users: [{ id: '1' }, null, { id: '3' }] });
    expect(body.errors).toEqual([
      { message: 'Upstream users.getUsers returned no item for key "404".', locations: locationOf(query, 'users'), path: ['users', 1], extensions: { code: 'UPSTREAM_ENTITY_NOT_FOUND', connector: 'users', operation: 'getUsers' } },
    ]);
  });
});

describe('encoding of caller values', () => {
  test.for([
    { id: '../../admin', path: '/users/..%2F..%2Fadmin' },
    { id: 'a/b?x=1', path: '/users/a%2Fb%3Fx%3D1' },
    { id: '1#frag', path: '/users/1%23frag' },
    { id: '%2e%2e', path: '/users/%252e%252e' },
    { id: 'ü 1', path: '/users/%C3%BC%201' },
  ])('path value $id is sent as one encoded segment', async ({ id, path }) => {
    await gw.query('query($id: ID!) { user(id: $id) { id } }', { id });
    expect(users.calls.map((c) => c.rawPath)).toEqual([path]);
  });

  test('a dot segment is refused without calling the upstream', async () => {
    const { body } = await gw.query('{ user(id: "..") { id } }');
    expect(users.calls).toEqual([]);
    expect(body.data).toEqual({ user: null });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'REQUEST_INVALID' });
  });

  test('query values are encoded and cannot add parameters', async () => {
    await gw.query('{ users(ids: ["1&admin=true", "2"]) { id } }');
    expect(users.calls.map((c) => c.rawPath)).toEqual(['/users?ids=1%26admin%3Dtrue%2C2']);
    expect(users.calls[0]!.url.searchParams.get('admin')).toBeNull();
  });
});

describe('partial failure', () => {
  test('a failing upstream nulls only the fields that depend on it', async () => {
    postsMode = 'fail';
    const query = '{ users(ids: ["1", "2"]) { id name posts { id } } }';
    const { status, body } = await gw.query(query);
    expect(status).toBe(200);
    expect(body.data).toEqual({ users: [{ id: '1', name: 'User 1', posts: null }, { id: '2', name: 'User 2', posts: null }] });
    const extensions = { code: 'UPSTREAM_HTTP_ERROR', connector: 'posts', operation: 'postsByUser', status: 500 };
    expect(body.errors).toEqual([
      { message: 'Upstream posts.postsByUser answered HTTP 500', locations: locationOf(query, 'posts'), path: ['users', 0, 'posts'], extensions },
      { message: 'Upstream posts.postsByUser answered HTTP 500', locations: locationOf(query, 'posts'), path: ['users', 1, 'posts'], extensions },
    ]);
    expect(JSON.stringify(body)).not.toContain('secret internals');
  });

  test('null in a non-null field propagates to the nearest nullable parent', async () => {
    const query = '{ users(ids: ["4", "5"]) { id name } }';
    const { body } = await gw.query(query);
    expect(body.data).toEqual({ users: [{ id: '4', name: 'User 4' }, null] });
    expect(body.errors).toEqual([{ message: 'Cannot return null for non-nullable field User.name.', locations: locationOf(query, 'name'), path: ['users', 1, 'name'], extensions: { code: 'RESULT_NON_NULL_VIOLATION' } }]);
  });

  test('an unknown single entity (404) is null with UPSTREAM_ENTITY_NOT_FOUND', async () => {
    const { body } = await gw.query('{ user(id: "77") { id } ok: userB(id: "1") { id } }');
    expect(body.data).toEqual({ user: null, ok: { id: '1' } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['user'], 'UPSTREAM_ENTITY_NOT_FOUND']]);
  });

  test('the request id reaches every upstream call and comes back in the response', async () => {
    const response = await gw.query('{ users(ids: ["1"]) { posts { id } } }', undefined, { 'x-request-id': 'req-abc.123' });
    expect(response.headers.get('x-request-id')).toBe('req-abc.123');
    expect([...users.calls, ...posts.calls].map((c) => c.headers['x-request-id'])).toEqual(['req-abc.123', 'req-abc.123']);
  });
});
