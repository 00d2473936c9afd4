import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOORS, type Door } from '../support/gateway.ts';
import { validateConfig } from '../../src/index.ts';
import { callersYaml } from '../support/callers.ts';
import { startFrontDoor, type FrontDoorRig } from './front-door-fixtures.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const USER = 'query User($id: ID!) { user(id: $id) { id name } }';
const USERS = 'query Users { users(ids: ["1", "2"]) { id } }';
const UNLISTED = '{ user(id: "3") { email } }';
const APOLLO = JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(USER), name: 'User', type: 'query', body: USER }] }, null, 2);
const RELAY = JSON.stringify({ [sha256(USERS)]: USERS }, null, 2);

const GATEWAY_YAML = `
trustedDocuments:
  mode: allow-unlisted
  manifests: [persisted/apollo.json, persisted/relay.json]
  callers:
    partner: enforce
    legacy: off
`;

const byHash = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
const USER_DATA = { user: { id: '1', name: 'User 1' } };
const USERS_DATA = { users: [{ id: '1' }, { id: '2' }] };

interface Row {
  name: string;
  caller?: string;
  body: Record<string, unknown>;
  data?: unknown;
  code?: string;
}

const ROWS: Row[] = [
  // allow-unlisted (the gateway-wide mode)
  { name: 'allow-unlisted: an Apollo manifest document by sha256Hash', body: { ...byHash(sha256(USER)), variables: { id: '1' } }, data: USER_DATA },
  { name: 'allow-unlisted: a Relay manifest document by documentId', body: { documentId: sha256(USERS) }, data: USERS_DATA },
  { name: 'allow-unlisted: documentId with a sha256: prefix', body: { documentId: `sha256:${sha256(USERS)}` }, data: USERS_DATA },
  { name: 'allow-unlisted: an unknown hash, no text', body: byHash(sha256('nope')), code: 'PERSISTED_QUERY_NOT_FOUND' },
  { name: 'allow-unlisted: an unknown hash with its text runs the text', body: { ...byHash(sha256(UNLISTED)), query: UNLISTED }, data: { user: { email: 'u3@example.com' } } },
  { name: 'allow-unlisted: an unlisted text', body: { query: UNLISTED }, data: { user: { email: 'u3@example.com' } } },
  // enforce
  { name: 'enforce: a manifest document by hash', caller: 'partner', body: { ...byHash(sha256(USER)), variables: { id: '1' } }, data: USER_DATA },
  { name: 'enforce: a manifest document by documentId', caller: 'partner', body: { documentId: sha256(USERS) }, data: USERS_DATA },
  { name: "enforce: a manifest document's exact text", caller: 'partner', body: { query: USERS }, data: USERS_DATA },
  { name: 'enforce: an unlisted text', caller: 'partner', body: { query: UNLISTED }, code: 'PERSISTED_QUERY_REQUIRED' },
  { name: 'enforce: an unknown hash with a text', caller: 'partner', body: { ...byHash(sha256(UNLISTED)), query: UNLISTED }, code: 'PERSISTED_QUERY_NOT_FOUND' },
  { name: 'enforce: a listed id wins over the text sent with it', caller: 'partner', body: { documentId: sha256(USERS), query: UNLISTED }, data: USERS_DATA },
  // off
  { name: 'off: an id alone is not looked up', caller: 'legacy', body: { documentId: sha256(USERS) }, code: 'PERSISTED_QUERY_NOT_SUPPORTED' },
  { name: 'off: a text runs, whatever id comes with it', caller: 'legacy', body: { ...byHash(sha256(USER)), query: UNLISTED }, data: { user: { email: 'u3@example.com' } } },
];

let rig: FrontDoorRig;
beforeAll(async () => {
  // Per-caller modes apply to verified callers (callers.yaml), each proven by its API key.
  const callers = callersYaml({ mode: 'optional', callers: { partner: ['partner-key'], legacy: ['legacy-key'] } });
  rig = await startFrontDoor(GATEWAY_YAML, { 'persisted/apollo.json': APOLLO, 'persisted/relay.json': RELAY, 'callers.yaml': callers }, {});
});
afterAll(async () => {
  await rig?.close();
});

/** POSTs a body through a door: yoga gets it with one more extension, which the fast path leaves to yoga. */
async function post(door: Door, body: Record<string, unknown>, caller: string | undefined): Promise<{ status: number; text: string; json: { data?: unknown; errors?: { message: string; extensions?: unknown }[] } }> {
  const sent = door === 'yoga' ? { ...body, extensions: { ...(body.extensions as object | undefined), viaYoga: true } } : body;
  const response = await fetch(`${rig.gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(caller ? { 'x-api-key': `${caller}-key` } : {}) },
    body: JSON.stringify(sent),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as never };
}

describe('trusted documents in each mode, both manifest formats, through both doors', () => {
  test.for(DOORS.flatMap((door) => ROWS.map((row) => ({ door, ...row }))))('$door: $name', async ({ door, body, caller, data, code }) => {
    const before = rig.upstream.calls.length;
    const response = await post(door, body, caller);
    if (code === undefined) {
      expect(response.json).toEqual({ data });
      expect(response.status).toBe(200);
      return;
    }
    expect(response.status).toBe(400);
    expect(response.json.errors?.map((e) => e.extensions)).toEqual([{ code }]);
    expect(rig.upstream.calls.length).toBe(before);
  });

  test('both doors answer an unknown hash with the same bytes', async () => {
    const [fast, yoga] = await Promise.all(DOORS.map((door) => post(door, byHash(sha256('nope')), undefined)));
    expect(fast).toEqual(yoga);
    expect(fast!.text).toBe('{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}');
  });

  test('a persisted request stays on the fast path', async () => {
    const stats = rig.gw.gateway.executor.planCache.stats;
    const before = stats.documentHits + stats.documentMisses;
    await post('fast', { documentId: sha256(USERS) }, undefined);
    expect(stats.documentHits + stats.documentMisses).toBe(before + 1); // one lookup: yoga would add its own
  });

  test('a GET with the hash in extensions (yoga) is looked up the same way', async () => {
    const extensions = encodeURIComponent(JSON.stringify(byHash(sha256(USERS)).extensions));
    const response = await fetch(`${rig.gw.url}/graphql?extensions=${extensions}`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: USERS_DATA });
  });
});

describe('tessera validate checks every manifest document against the schema', () => {
  test('a bad document is reported with its file, line, column and operation', async () => {
    const bad = JSON.stringify(
      { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'abc', name: 'Broken', type: 'query', body: '{ user(id: "1") { nickname } }' }] },
      null,
      2,
    );
    const relay = JSON.stringify({ def: '{ users(ids: ["1"]) { id ' }, null, 2);
    const broken = await startFrontDoor('', {});
    try {
      await writeFile(path.join(broken.dir, 'bad.json'), bad);
      await writeFile(path.join(broken.dir, 'relay.json'), relay);
      await writeFile(path.join(broken.dir, 'gateway.yaml'), 'trustedDocuments:\n  mode: enforce\n  manifests: [bad.json, relay.json, missing.json]\n');
      const report = await validateConfig({ configDir: broken.dir, env: { ACCOUNTS_URL: 'http://127.0.0.1:9' } });
      const found = report.errors.map((e) => [e.code, e.source && `${path.basename(e.source.file)}:${e.source.line}:${e.source.column}`, e.message]);
      expect(found).toEqual([
        ['CONFIG_FILE_UNREADABLE', undefined, expect.stringContaining('cannot read the trusted documents manifest missing.json')],
        ['CONFIG_INVALID_PERSISTED_DOCUMENT', 'bad.json:9:15', 'expected a trusted document valid against the schema; operation "Broken" (id abc): Cannot query field "nickname" on type "User". Did you mean "name"?'],
        ['CONFIG_INVALID_PERSISTED_DOCUMENT', 'relay.json:2:10', 'expected a trusted document valid against the schema; the document of id def: Syntax Error: Expected Name, found <EOF>.'],
      ]);
      expect(report.blueprint).toBeUndefined();
    } finally {
      await broken.close();
    }
  });

  test('a bad manifest shape is reported at its line', async () => {
    const dir = await startFrontDoor('', {});
    try {
      await writeFile(path.join(dir.dir, 'm.json'), '{\n  "format": "apollo-persisted-query-manifest",\n  "version": 2,\n  "operations": [{ "id": "x", "bodi": "{ __typename }" }]\n}\n');
      await writeFile(path.join(dir.dir, 'gateway.yaml'), 'trustedDocuments:\n  mode: enforce\n  manifests: [m.json]\n');
      const report = await validateConfig({ configDir: dir.dir, env: { ACCOUNTS_URL: 'http://127.0.0.1:9' } });
      expect(report.errors.map((e) => [e.code, e.source?.line, e.source?.column, e.message])).toEqual([
        ['CONFIG_INVALID_VALUE', 3, 14, 'expected version 1; got 2'],
        ['CONFIG_UNKNOWN_KEY', 4, 31, 'expected one of the keys id, name, type, body; got "bodi". Did you mean "body"?'],
        ['CONFIG_INVALID_VALUE', 4, 18, 'expected body: the document text; got undefined'],
      ]);
    } finally {
      await dir.close();
    }
  });
});
