import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOORS, startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { locationOf } from '../support/location-of.ts';

/**
 * Upstream answers are checked, never silently wrong: an answer that does not fit its
 * declaration (`result:`, `batch.keyField`) and an upstream that cannot be reached are located
 * field errors whose diagnosis (what was called, what came back, the attempts made) reaches the
 * caller in dev mode and the log, under the request id, in both modes; production callers get
 * the public message only. Every case runs through both doors.
 */
const BOOKS_YAML = `
baseUrl: \${BOOKS_URL}
operations:
  getBookWrongPath:
    path: /books/{id}
    params:
      id: ID!
    result: books
  getBook:
    path: /books/{id}
    params:
      id: ID!
    result: book
  getBooksWrongKey:
    path: /books
    query:
      ids: "{keys}"
    batch:
      maxSize: 10
      keyField: isbn
    result: items
  getBooksWrongKeyMany:
    path: /books
    query:
      ids: "{keys}"
    batch:
      maxSize: 10
      keyField: isbn
      many: true
    result: items
  getBooksSomeWithoutKey:
    path: /books-some-without-id
    query:
      ids: "{keys}"
    batch:
      maxSize: 10
      keyField: id
    result: items
  getBooksWrongPath:
    path: /books
    query:
      ids: "{keys}"
    batch:
      maxSize: 10
      keyField: id
    result: data.items
`;

/** Retries fast and never opens its breaker, so every request makes exactly three attempts. */
const DOWN_YAML = (name: string, timeoutMs: number) => `
baseUrl: \${${name.toUpperCase()}_URL}
timeoutMs: ${timeoutMs}
retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 }
circuitBreaker: { enabled: false }
operations:
  getThing:
    path: /things/{id}
    query:
      token: "secret-{id}"
    params:
      id: ID!
    result: thing
`;

const SCHEMA = `
type Query {
  wrongPath(id: ID!): Book @source(connector: "books", operation: "getBookWrongPath", params: { id: "{args.id}" })
  book(id: ID!): Book @source(connector: "books", operation: "getBook", params: { id: "{args.id}" })
  wrongKey(ids: [ID!]!): [Book] @source(connector: "books", operation: "getBooksWrongKey", keys: "{args.ids}")
  wrongKeyMany(id: ID!): [Book!] @source(connector: "books", operation: "getBooksWrongKeyMany", key: "{args.id}")
  someWithoutKey(ids: [ID!]!): [Book] @source(connector: "books", operation: "getBooksSomeWithoutKey", keys: "{args.ids}")
  wrongListPath(ids: [ID!]!): [Book] @source(connector: "books", operation: "getBooksWrongPath", keys: "{args.ids}")
  refused(id: ID!): Thing @source(connector: "refused", operation: "getThing", params: { id: "{args.id}" })
  silent(id: ID!): Thing @source(connector: "silent", operation: "getThing", params: { id: "{args.id}" })
}

type Book {
  id: ID!
  title: String
}

type Thing {
  id: ID!
}
`;

const BOOKS: Record<string, { id: string; title: string }> = { a1: { id: 'a1', title: 'Dune' }, a2: { id: 'a2', title: 'Emma' } };

let books: FakeUpstream;
let silent: FakeUpstream;
let refusedUrl: string;
let config: { dir: string; remove(): Promise<void> };
let dev: TestGateway;
let production: TestGateway;

beforeAll(async () => {
  books = await startFakeUpstream((call, res) => {
    const single = /^\/books\/([^/]+)$/.exec(call.url.pathname);
    // "gone" exists as a key with a null value: a legitimate "nothing", not a bad answer.
    if (single) return json(res, 200, single[1] === 'gone' ? { book: null } : { book: BOOKS[single[1]!] ?? null, meta: { source: 'fake' } });
    const ids = (call.url.searchParams.get('ids') ?? '').split(',');
    const items = ids.flatMap((id) => (BOOKS[id] ? [BOOKS[id]] : []));
    if (call.url.pathname === '/books-some-without-id') return json(res, 200, { items: items.map((b) => (b.id === 'a1' ? { code: b.id, title: b.title } : b)) });
    json(res, 200, { items });
  });
  // Accepts connections and never answers: every attempt times out.
  silent = await startFakeUpstream(() => undefined);
  // A port that was just free: connecting to it is refused.
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));

  config = await writeConfigDir({
    schemas: { 'books.graphql': SCHEMA },
    connectors: { 'books.yaml': BOOKS_YAML, 'refused.yaml': DOWN_YAML('refused', 1000), 'silent.yaml': DOWN_YAML('silent', 50) },
  });
  const env = { BOOKS_URL: books.url, REFUSED_URL: refusedUrl, SILENT_URL: silent.url };
  dev = await startGateway({ configDir: config.dir, env, dev: true });
  production = await startGateway({ configDir: config.dir, env });
});

afterAll(async () => {
  await dev?.close();
  await production?.close();
  await books?.close();
  await silent?.close();
  await config?.remove();
});

const booksFile = () => path.join(config.dir, 'connectors', 'books.yaml');
/** A regular expression for `text` in which `{time}` stands for a duration (`7 ms`, `3.0 s`): the only part that is not exact. */
const exactBut = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\\{time\\}', '(\\d+ ms|\\d+\\.\\d s)')}$`);

interface Case {
  name: string;
  query: string;
  /** Where the errors are: the field's text in the query, and their response paths (a list bound by keys fails per key). */
  at: string;
  paths: (string | number)[][];
  data: Record<string, unknown>;
  code: string;
  message: string;
  /** Appended to the message in dev mode; `{time}` is the attempts' duration. */
  diagnosis: () => string;
  facts: () => Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: 'a result path the body does not have',
    query: '{ wrongPath(id: "a1") { id title } }',
    at: 'wrongPath',
    paths: [['wrongPath']],
    data: { wrongPath: null },
    code: 'UPSTREAM_BAD_RESPONSE',
    message: 'Upstream books.getBookWrongPath answered without its result path "books".',
    diagnosis: () => `The body has no "books"; its keys are "book", "meta". Did you mean "book"? (result: books at ${booksFile()}:8:13)`,
    facts: () => ({ resultPath: 'books', missing: 'books', keys: ['book', 'meta'], declaredAt: `${booksFile()}:8:13` }),
  },
  {
    name: 'a nested result path that stops half way',
    query: '{ wrongListPath(ids: ["a1"]) { id } }',
    at: 'wrongListPath',
    paths: [['wrongListPath', 0]],
    data: { wrongListPath: [null] },
    code: 'UPSTREAM_BAD_RESPONSE',
    message: 'Upstream books.getBooksWrongPath answered without its result path "data.items".',
    diagnosis: () => `The body has no "data"; its keys are "items". (result: data.items at ${booksFile()}:46:13)`,
    facts: () => ({ resultPath: 'data.items', missing: 'data', keys: ['items'], declaredAt: `${booksFile()}:46:13` }),
  },
  {
    name: 'a key field that no returned item has',
    query: '{ wrongKey(ids: ["a1", "a2"]) { id } }',
    at: 'wrongKey',
    paths: [
      ['wrongKey', 0],
      ['wrongKey', 1],
    ],
    data: { wrongKey: [null, null] },
    code: 'UPSTREAM_BAD_RESPONSE',
    message: 'Upstream books.getBooksWrongKey returned 2 items, none with the key field "isbn".',
    diagnosis: () => `0 of 2 returned items have "isbn" (batch.keyField at ${booksFile()}:20:17); their fields are "id", "title".`,
    facts: () => ({ keyField: 'isbn', items: 2, withKeyField: 0, itemFields: ['id', 'title'] }),
  },
  {
    name: 'a key field that no returned item has, one-to-many: not an empty list',
    query: '{ wrongKeyMany(id: "a1") { id } }',
    at: 'wrongKeyMany',
    paths: [['wrongKeyMany']],
    data: { wrongKeyMany: null },
    code: 'UPSTREAM_BAD_RESPONSE',
    message: 'Upstream books.getBooksWrongKeyMany returned 1 item, none with the key field "isbn".',
    diagnosis: () => `0 of 1 returned items have "isbn" (batch.keyField at ${booksFile()}:28:17); their fields are "id", "title".`,
    facts: () => ({ keyField: 'isbn', items: 1, withKeyField: 0, itemFields: ['id', 'title'] }),
  },
  {
    name: 'a key whose item came back without the key field',
    query: '{ someWithoutKey(ids: ["a1", "a2"]) { id title } }',
    at: 'someWithoutKey',
    paths: [['someWithoutKey', 0]],
    data: { someWithoutKey: [null, BOOKS.a2] },
    code: 'UPSTREAM_ENTITY_NOT_FOUND',
    message: 'Upstream books.getBooksSomeWithoutKey returned no item for key "a1".',
    diagnosis: () => `1 of 2 returned items have "id", none equal to "a1"; the 1 without it have "code", "title" (batch.keyField at ${booksFile()}:37:17).`,
    facts: () => ({ keyField: 'id', items: 2, withKeyField: 1, itemFields: ['code', 'title'] }),
  },
  {
    name: 'an upstream that refuses connections',
    query: '{ refused(id: "7") { id } }',
    at: 'refused',
    paths: [['refused']],
    data: { refused: null },
    code: 'UPSTREAM_UNAVAILABLE',
    message: 'Upstream refused.getThing is unavailable',
    // The URL has no query string: query values may be keys or secrets (`token` here).
    diagnosis: () => `GET ${refusedUrl}/things/7: connect ECONNREFUSED ${refusedUrl.slice('http://'.length)}. 3 attempts, {time}.`,
    facts: () => ({ method: 'GET', url: `${refusedUrl}/things/7`, cause: 'ECONNREFUSED', attempts: 3, elapsedMs: expect.any(Number) }),
  },
  {
    name: 'an upstream that does not answer in time, retried',
    query: '{ silent(id: "7") { id } }',
    at: 'silent',
    paths: [['silent']],
    data: { silent: null },
    code: 'UPSTREAM_TIMEOUT',
    message: 'Upstream silent.getThing timed out after 50 ms',
    diagnosis: () => `GET ${silent.url}/things/7: no answer within 50 ms. 3 attempts, {time}.`,
    facts: () => ({ method: 'GET', url: `${silent.url}/things/7`, timeoutMs: 50, attempts: 3, elapsedMs: expect.any(Number) }),
  },
];

const ROWS = CASES.flatMap((c) => DOORS.map((door) => ({ ...c, door })));

describe('dev mode: the error names what did not fit and what was there', () => {
  test.for(ROWS)('$name, through $door', async (c) => {
    const { status, body } = await dev.queryVia(c.door, c.query);
    expect(status).toBe(200);
    expect(body.data).toEqual(c.data);
    expect(body.errors).toEqual(
      c.paths.map((path) => ({
        message: expect.stringMatching(exactBut(`${c.message}${c.message.endsWith('.') ? '' : '.'} ${c.diagnosis()}`)),
        locations: locationOf(c.query, c.at),
        path,
        extensions: { code: c.code, connector: expect.any(String), operation: expect.any(String), diagnosis: c.facts() },
      })),
    );
  });
});

describe('production: the public message only; the log has the diagnosis under the request id', () => {
  test.for(ROWS)('$name, through $door', async (c) => {
    const requestId = `answers-${c.door}-${c.at}`;
    const { status, body } = await production.queryVia(c.door, c.query, undefined, { 'x-request-id': requestId });
    expect(status).toBe(200);
    expect(body.data).toEqual(c.data);
    expect(body.errors).toEqual(
      c.paths.map((path) => ({ message: c.message, locations: locationOf(c.query, c.at), path, extensions: { code: c.code, connector: expect.any(String), operation: expect.any(String) } })),
    );
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
    if (c.code === 'UPSTREAM_ENTITY_NOT_FOUND') return; // an ordinary miss is the caller's answer, not an incident
    const lines = production.logs.filter((l) => l.reqId === requestId && l.msg === 'upstream call failed');
    expect(lines).toEqual([expect.objectContaining({ level: 40, code: c.code, diagnosis: expect.stringMatching(exactBut(c.diagnosis())), upstream: c.facts() })]);
    expect(JSON.stringify(lines)).not.toContain('secret-');
  });
});

describe('null at the result path is an answer, not an error', () => {
  test.for(DOORS.flatMap((door) => [true, false].map((devMode) => ({ door, devMode }))))('through $door, dev $devMode', async ({ door, devMode }) => {
    const gw = devMode ? dev : production;
    const { body } = await gw.queryVia(door, '{ book(id: "gone") { id } found: book(id: "a2") { title } }');
    expect(body).toEqual({ data: { book: null, found: { title: 'Emma' } } });
  });
});
