import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOORS, type Door } from '../support/gateway.ts';
import { callersYaml } from '../support/callers.ts';
import { startDirectory, type Directory } from '../e2e/directory-fixtures.ts';
import { startAuthRig, type AuthRig } from './auth-fixtures.ts';

const ORIGIN = 'https://console.example.com';
const GATEWAY_YAML = `cors:\n  origins: [${ORIGIN}]\n  maxAgeSec: 300\n`;
const CALLERS = callersYaml({ mode: 'optional', callers: { plain: ['plain-key'], operator: { keys: ['operator-key'], scopes: ['introspect'] } } });
const PLAIN = { 'x-api-key': 'plain-key' };
const OPERATOR = { 'x-api-key': 'operator-key' };

let rig: AuthRig;
beforeAll(async () => {
  rig = await startAuthRig(CALLERS, { 'gateway.yaml': GATEWAY_YAML }, undefined, { dev: true });
});
afterAll(() => rig.close());

describe('introspection and suggestions need the introspect scope (authentication on)', () => {
  const INTROSPECTION = '{ __schema { queryType { name } } }';
  const TYPE = '{ __type(name: "User") { name } }';
  const REFUSED = { errors: [{ message: 'Introspection is not allowed for this caller: it needs the scope "introspect".', extensions: { code: 'INTROSPECTION_DISABLED' } }] };
  const CASES: { name: string; headers: Record<string, string>; query: string; body: unknown }[] = [
    { name: '__schema without the scope', headers: PLAIN, query: INTROSPECTION, body: REFUSED },
    { name: '__type for the anonymous caller', headers: {}, query: TYPE, body: REFUSED },
    { name: '__schema beside data', headers: PLAIN, query: '{ users(ids: ["1"]) { id } __schema { queryType { name } } }', body: REFUSED },
    { name: '__schema with the scope', headers: OPERATOR, query: INTROSPECTION, body: { data: { __schema: { queryType: { name: 'Query' } } } } },
    { name: '__typename is no introspection', headers: PLAIN, query: '{ __typename }', body: { data: { __typename: 'Query' } } },
  ];
  test.for(DOORS.flatMap((door) => CASES.map((c) => ({ door, ...c }))))('$door door: $name', async ({ door, headers, query, body }) => {
    const calls = rig.upstream.calls.length;
    const response = await rig.gw.queryVia(door as Door, query, undefined, headers);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(body);
    if ('errors' in (body as object)) expect(rig.upstream.calls.length).toBe(calls);
  });

  // Callers alternate over the same invalid document: a cached validation result must not carry one caller's answer to another.
  test.for(DOORS.flatMap((door) => [PLAIN, OPERATOR, {}, OPERATOR].map((headers, i) => ({ door, headers, i }))))('$door door #$i: "Did you mean" only for a caller with introspect', async ({ door, headers }) => {
    const response = await rig.gw.queryVia(door as Door, '{ users(ids: ["1"]) { nmae } }', undefined, headers);
    const hint = headers === OPERATOR ? ' Did you mean "name"?' : '';
    expect(response.body.errors!.map((e) => e.message)).toEqual([`Cannot query field "nmae" on type "User".${hint}`]);
  });
});

describe('CORS: only the origins gateway.yaml lists, never with credentials', () => {
  test.for(
    DOORS.flatMap((door) => [
      { door, name: 'a listed origin', origin: ORIGIN, allowed: true },
      { door, name: 'another origin', origin: 'https://evil.example.net', allowed: false },
      { door, name: 'a listed host on another scheme', origin: 'http://console.example.com', allowed: false },
    ]),
  )('$door door, $name', async ({ door, origin, allowed }) => {
    const response = await rig.gw.queryVia(door as Door, '{ __typename }', undefined, { ...PLAIN, origin });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed ? origin : null);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('a refusal (401) to a listed origin is readable by its page; to another it is not', async () => {
    const listed = await fetch(`${rig.gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-api-key': 'wrong' }, body: '{"query":"{ __typename }"}' });
    expect([listed.status, listed.headers.get('access-control-allow-origin')]).toEqual([401, ORIGIN]);
    const other = await fetch(`${rig.gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example.net', 'x-api-key': 'wrong' }, body: '{"query":"{ __typename }"}' });
    expect([other.status, other.headers.get('access-control-allow-origin')]).toEqual([401, null]);
  });

  test.for([
    { name: 'a listed origin', origin: ORIGIN, expected: { status: 204, allow: ORIGIN, headers: 'content-type, accept, authorization, x-api-key, x-request-id, x-tessera-timeout-ms', maxAge: '300' } },
    { name: 'another origin', origin: 'https://evil.example.net', expected: { status: 204, allow: null, headers: null, maxAge: null } },
  ])('a preflight from $name is answered without a credential', async ({ origin, expected }) => {
    const response = await fetch(`${rig.gw.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' } });
    expect({
      status: response.status,
      allow: response.headers.get('access-control-allow-origin'),
      headers: response.headers.get('access-control-allow-headers'),
      maxAge: response.headers.get('access-control-max-age'),
    }).toEqual(expected);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('without cors: in gateway.yaml no origin is reflected, on either door (yoga would reflect any)', async () => {
    const open = await startAuthRig(undefined);
    try {
      for (const door of DOORS) {
        const response = await open.gw.queryVia(door, '{ __typename }', undefined, { origin: 'https://evil.example.net' });
        expect([response.headers.get('access-control-allow-origin'), response.headers.get('access-control-allow-credentials')]).toEqual([null, null]);
      }
      const preflight = await fetch(`${open.gw.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await open.close();
    }
  });
});

describe('GraphiQL only in dev mode', () => {
  test('dev mode with authentication required: the page loads without a key; its queries need one', async () => {
    const page = await fetch(`${rig.gw.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const query = await fetch(`${rig.gw.url}/graphql?query=${encodeURIComponent('{ __schema { queryType { name } } }')}`, { headers: { accept: 'application/json', 'x-api-key': 'wrong' } });
    expect(query.status).toBe(401);
  });
});

describe('mutations never over GET', () => {
  let directory: Directory;
  beforeAll(async () => {
    directory = await startDirectory();
  });
  afterAll(() => directory.close());

  test('GET with a mutation is a 405 and nothing is called upstream; the same mutation by POST runs', async () => {
    const mutation = 'mutation { renamePerson(id: "p1", name: "Ada") { name } }';
    const response = await fetch(`${directory.gateway.url}/graphql?query=${encodeURIComponent(mutation)}`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(directory.upstream.calls).toHaveLength(0);
    expect((await directory.gateway.query(mutation)).body).toEqual({ data: { renamePerson: { name: 'Ada' } } });
    expect(directory.upstream.calls.map((c) => c.method)).toEqual(['PUT']);
  });
});

describe('withoutSuggestions', () => {
  test.for([
    { message: 'Field "nmae" is not defined by type "PersonInput". Did you mean "name"?', stripped: 'Field "nmae" is not defined by type "PersonInput".' },
    { message: 'Value "gld" does not exist in "Tier" enum. Did you mean the enum value "gold" or "silver"?', stripped: 'Value "gld" does not exist in "Tier" enum.' },
    { message: 'Cannot query field "x" on type "User".', stripped: 'Cannot query field "x" on type "User".' },
  ])('$stripped', async ({ message, stripped }) => {
    const { GraphQLError } = await import('graphql');
    const { withoutSuggestions } = await import('../../src/server/disclosure.ts');
    const error = withoutSuggestions(new GraphQLError(message, { extensions: { code: 'X' } }));
    expect([error.message, error.extensions]).toEqual([stripped, { code: 'X' }]);
  });
});
