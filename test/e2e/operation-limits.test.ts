import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOORS } from '../support/gateway.ts';
import { callersYaml } from '../support/callers.ts';
import { startFrontDoor, type FrontDoorRig } from './front-door-fixtures.ts';

const GATEWAY_YAML = `
limits:
  maxDocumentBytes: 2000
  maxTokens: 300
  maxDepth: 4
  maxAliases: 3
  maxRootFields: 4
  maxDirectives: 2
  maxCost: 40
  defaultListSize: 5
  callers:
    big: { maxDepth: 6, maxCost: 1000, maxTokens: 400, maxDocumentBytes: 1000000 }
    huge: { maxTokens: 100000, maxDocumentBytes: 1000000 }
`;

/** `{ user(id: "1") { id id … } }` with exactly `tokens` lexical tokens. */
const withTokens = (tokens: number) => `{ user(id: "1") { id${' id'.repeat(tokens - 11)} } }`;
/** A document of exactly `bytes` UTF-8 bytes (the padding is a comment: no tokens). */
const withBytes = (bytes: number, pad = 'x') => {
  const head = '{ __typename } #';
  return head + pad.repeat((bytes - head.length) / Buffer.byteLength(pad));
};
const nested = (depth: number) => `{ user(id: "1") ${'{ best '.repeat(depth - 2)}{ id }${' }'.repeat(depth - 2)} }`;
const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));

interface Row {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  caller?: string;
  /** The refusal's code; absent: served (200, no errors). */
  code?: string;
}

const ROWS: Row[] = [
  { name: 'document of exactly maxDocumentBytes', query: withBytes(2000) },
  { name: 'document one byte over', query: withBytes(2001), code: 'DOCUMENT_TOO_LARGE' },
  { name: 'document over in bytes, not in characters (é is two bytes)', query: withBytes(2002, 'é'), code: 'DOCUMENT_TOO_LARGE' },
  { name: 'exactly maxTokens tokens', query: withTokens(300), caller: 'big' },
  { name: 'one token over the caller limit (under the lexer cap)', query: withTokens(301), code: 'TOKEN_LIMIT' },
  { name: 'a caller with more tokens', query: withTokens(400), caller: 'big' },
  { name: 'one token over that caller limit', query: withTokens(401), caller: 'big', code: 'TOKEN_LIMIT' },
  { name: 'depth at maxDepth', query: nested(4) },
  { name: 'depth one over', query: nested(5), code: 'DEPTH_LIMIT' },
  { name: 'depth through a fragment, one over', query: '{ user(id: "1") { best { ...B } } } fragment B on User { best { best { id } } }', code: 'DEPTH_LIMIT' },
  { name: 'a caller allowed deeper', query: nested(6), caller: 'big' },
  { name: 'one over that caller depth', query: nested(7), caller: 'big', code: 'DEPTH_LIMIT' },
  { name: 'aliases at maxAliases', query: '{ a: user(id: "1") { id } b: user(id: "2") { id } c: user(id: "3") { id } }' },
  { name: 'aliases one over', query: '{ a: user(id: "1") { id } b: user(id: "2") { id } c: user(id: "3") { id } d: user(id: "4") { id } }', code: 'ALIAS_LIMIT' },
  { name: 'aliases counted once per fragment spread', query: '{ user(id: "1") { ...A best { ...A } } } fragment A on User { x: id y: name }', code: 'ALIAS_LIMIT' },
  { name: 'root fields at maxRootFields', query: '{ user(id: "1") { id } __typename t2: __typename t3: __typename }' },
  { name: 'root fields one over', query: '{ user(id: "1") { id } __typename ...R } fragment R on Query { __typename __typename __typename }', code: 'ROOT_FIELD_LIMIT' },
  { name: 'directives at maxDirectives', query: '{ user(id: "1") @include(if: true) { id @skip(if: false) } }' },
  { name: 'directives one over', query: '{ user(id: "1") @include(if: true) { id @skip(if: false) name @skip(if: false) } }', code: 'DIRECTIVE_LIMIT' },
  { name: 'cost at maxCost: 1 + 38 ids + 1', query: 'query ($ids: [ID!]!) { users(ids: $ids) { id } __typename }', variables: { ids: ids(38) } },
  { name: 'cost one over: 39 ids', query: 'query ($ids: [ID!]!) { users(ids: $ids) { id } __typename }', variables: { ids: ids(39) }, code: 'COST_LIMIT' },
  { name: 'cost from a list with no size argument (defaultListSize 5)', query: '{ users(ids: ["1", "2", "3"]) { pets { name } } }' }, // 1 + 3 × (1 + 5) = 19
  { name: 'cost over from defaultListSize', query: '{ users(ids: ["1", "2", "3", "4", "5", "6"]) { id pets { name } } }', code: 'COST_LIMIT' }, // 1 + 6 × 7 = 43
  { name: 'a caller with a larger budget', query: 'query ($ids: [ID!]!) { users(ids: $ids) { id } }', variables: { ids: ids(99) }, caller: 'big' },
  { name: 'over the lexer cap (the largest maxTokens): lexing stops there', query: withTokens(100_001), caller: 'big', code: 'TOKEN_LIMIT' },
  { name: 'a 20 000-deep document', query: nested(20_000), caller: 'big', code: 'DEPTH_LIMIT' },
  { name: 'a 20 000-deep document within the token cap: refused before parsing', query: nested(20_000), caller: 'huge', code: 'DEPTH_LIMIT' },
  { name: '20 000 nested list brackets in an argument', query: `{ user(id: ${'['.repeat(20_000)}"1"${']'.repeat(20_000)}) { id } }`, caller: 'huge', code: 'DEPTH_LIMIT' },
];

let rig: FrontDoorRig;
beforeAll(async () => {
  // Per-caller limits apply to verified callers (callers.yaml), each proven by its API key.
  rig = await startFrontDoor(GATEWAY_YAML, { 'callers.yaml': callersYaml({ mode: 'optional', callers: { big: ['big-key'], huge: ['huge-key'], checkout: ['checkout-key'] } }) });
});
afterAll(async () => {
  await rig?.close();
});

describe('operation limits at their boundaries, through both doors', () => {
  test.for(DOORS.flatMap((door) => ROWS.map((row) => ({ door, ...row }))))('$door: $name', async ({ door, query, variables, caller, code }) => {
    const before = rig.upstream.calls.length;
    const response = await rig.gw.queryVia(door, query, variables, caller ? { 'x-api-key': `${caller}-key` } : {});
    if (code === undefined) {
      expect(response.body.errors).toBeUndefined();
      expect(response.status).toBe(200);
      return;
    }
    expect(response.status).toBe(400);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.extensions).toEqual({ code });
    expect(response.body.data).toBeUndefined();
    expect(rig.upstream.calls.length).toBe(before); // refused before any upstream call
  });

  test('both doors answer a refusal with the same bytes and content type', async () => {
    const bodies = await Promise.all(
      DOORS.map(async (door) => {
        const response = await fetch(`${rig.gw.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(door === 'yoga' ? { query: nested(5), extensions: {} } : { query: nested(5) }),
        });
        return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
      }),
    );
    expect(bodies[0]).toEqual(bodies[1]);
    expect(bodies[0]!.text).toBe('{"errors":[{"message":"The operation is 5 fields deep; the limit is 4.","extensions":{"code":"DEPTH_LIMIT"}}]}');
  });

  test('a GET (yoga) is held to the same limits', async () => {
    const response = await fetch(`${rig.gw.url}/graphql?query=${encodeURIComponent(nested(5))}`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions).toEqual({ code: 'DEPTH_LIMIT' });
  });

  test('each refusal is logged once, with the caller and the code', async () => {
    rig.gw.logs.length = 0;
    await rig.gw.query(nested(5), undefined, { 'x-api-key': 'checkout-key' });
    await rig.gw.queryVia('yoga', nested(5), undefined, { 'x-api-key': 'checkout-key' });
    const lines = rig.gw.logs.filter((l) => l.refusal !== undefined);
    expect(lines.map((l) => [l.callerId, l.status, l.refusal])).toEqual([
      ['checkout', 400, 'DEPTH_LIMIT'],
      ['checkout', 400, 'DEPTH_LIMIT'],
    ]);
  });

  test('measures are taken once per cached document, not per request', async () => {
    const query = '{ user(id: "7") { id name } }';
    const stats = rig.gw.gateway.executor.planCache.stats;
    await rig.gw.query(query);
    const misses = stats.documentMisses;
    for (let i = 0; i < 3; i++) expect((await rig.gw.query(query)).status).toBe(200);
    expect(stats.documentMisses).toBe(misses);
  });
});

describe('default limits (no limits: section)', () => {
  test('a 20 000-deep document is refused with 400, not a crash; so is a 10 001-token one', async () => {
    const plain = await startFrontDoor('');
    try {
      for (const door of DOORS) {
        // 60 000 bytes, under the default 64 KiB: refused by the nesting scan, before parsing.
        const deep = await plain.gw.queryVia(door, `${'{a'.repeat(20_000)}${'}'.repeat(20_000)}`);
        expect(deep.status).toBe(400);
        expect(deep.body.errors![0]!.extensions).toEqual({ code: 'DEPTH_LIMIT' });
        const long = await plain.gw.queryVia(door, withTokens(10_001));
        expect(long.status).toBe(400);
        expect(long.body.errors![0]!.extensions).toEqual({ code: 'TOKEN_LIMIT' });
        // 10 000 tokens pass the token limit (and fail a later check: not the token limit).
        expect((await plain.gw.queryVia(door, withTokens(10_000))).body.errors![0]!.extensions).not.toEqual({ code: 'TOKEN_LIMIT' });
      }
      // GraphiQL's introspection query fits the defaults.
      const { getIntrospectionQuery } = await import('graphql');
      const introspection = await plain.gw.query(getIntrospectionQuery());
      expect(introspection.status).toBe(200);
      expect(introspection.body.errors).toBeUndefined();
      expect(plain.upstream.calls).toHaveLength(0);
    } finally {
      await plain.close();
    }
  });
});
