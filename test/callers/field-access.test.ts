import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOORS, type Door, type GraphQLResponse } from '../support/gateway.ts';
import { callersYaml } from '../support/callers.ts';
import { maskEmail, maskKeepLast } from '../../src/postprocess/index.ts';
import { AUDIENCE, ISSUER, secretToken, startAuthRig, type AuthRig } from './auth-fixtures.ts';

const SCHEMA = `
type Query {
  users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}")
  payslips(ids: [ID!]!): [Payslip] @source(connector: "accounts", operation: "getPayslips", keys: "{args.ids}")
}
type User {
  id: ID!
  name: String
  email: String @mask(email: true, unmaskScope: "pii:read")
  phone: String @mask(keepLast: 4, unmaskScope: "pii:read")
  salary: Int @requiresScopes(scopes: [["hr:read"]])
  secretNote: String! @requiresScopes(scopes: [["admin", "audit"]])
  payslip: Payslip @source(connector: "accounts", operation: "getPayslips", key: "{parent.id}")
}
type Payslip @requiresScopes(scopes: [["hr:read"], ["payroll:admin"]]) {
  id: ID!
  amount: Int
}
`;
const SECRET = 'another-shared-secret-of-32-characters-or-more';
const CALLERS = callersYaml({
  callers: {
    basic: ['basic-key'],
    hr: { keys: ['hr-key'], scopes: ['hr:read'] },
    pii: { keys: ['pii-key'], scopes: ['pii:read'] },
    payroll: { keys: ['payroll-key'], scopes: ['payroll:admin'] },
    auditor: { keys: ['auditor-key'], scopes: ['admin', 'audit'] },
    half: { keys: ['half-key'], scopes: ['admin'] },
  },
  extra: `jwt:\n  issuer: ${ISSUER}\n  audience: ${AUDIENCE}\n  secret: ${SECRET}\n`,
});

const forbidden = (path: (string | number)[], field: string, needs: string) => ({
  message: `Not authorized to read ${field}: it requires the scope ${needs}.`,
  locations: expect.any(Array) as unknown as { line: number; column: number }[],
  path,
  extensions: { code: 'FORBIDDEN' },
});

const MASKED = (id: string) => ({ email: maskEmail(`user${id}@example.com`), phone: maskKeepLast(`+1555000${id}`, 4) });
const PLAIN = (id: string) => ({ email: `user${id}@example.com`, phone: `+1555000${id}` });

let rig: AuthRig;
beforeAll(async () => {
  rig = await startAuthRig(CALLERS, {}, SCHEMA);
});
afterAll(() => rig.close());

const callsTo = (path: string) => rig.upstream.calls.filter((c) => c.url.pathname === path).length;

describe('@requiresScopes: null with a located FORBIDDEN error, and no fetch for what cannot be seen', () => {
  const CASES: { name: string; key: string; query: string; body: GraphQLResponse['body']; calls: { users: number; payslips: number } }[] = [
    {
      name: 'a field without its scope',
      key: 'basic-key',
      query: '{ users(ids: ["1"]) { id salary } }',
      body: { errors: [forbidden(['users', 0, 'salary'], 'User.salary', 'hr:read')], data: { users: [{ id: '1', salary: null }] } },
      calls: { users: 1, payslips: 0 },
    },
    { name: 'the same field with its scope', key: 'hr-key', query: '{ users(ids: ["1"]) { id salary } }', body: { data: { users: [{ id: '1', salary: 1000 }] } }, calls: { users: 1, payslips: 0 } },
    {
      name: 'a non-null field bubbles to its nullable parent, per list item, under an alias',
      key: 'half-key',
      query: '{ people: users(ids: ["1", "2"]) { id note: secretNote } }',
      body: {
        errors: [forbidden(['people', 0, 'note'], 'User.secretNote', 'admin and audit'), forbidden(['people', 1, 'note'], 'User.secretNote', 'admin and audit')],
        data: { people: [null, null] },
      },
      calls: { users: 1, payslips: 0 },
    },
    { name: 'all scopes of one list', key: 'auditor-key', query: '{ people: users(ids: ["1", "2"]) { id note: secretNote } }', body: { data: { people: [{ id: '1', note: 'note' }, { id: '2', note: 'note' }] } }, calls: { users: 1, payslips: 0 } },
    {
      name: 'a bound field whose type is guarded: its upstream is never called',
      key: 'basic-key',
      query: '{ users(ids: ["1", "2"]) { id ...Pay } } fragment Pay on User { payslip { amount } }',
      body: {
        errors: [forbidden(['users', 0, 'payslip'], 'User.payslip', 'hr:read, or payroll:admin'), forbidden(['users', 1, 'payslip'], 'User.payslip', 'hr:read, or payroll:admin')],
        data: { users: [{ id: '1', payslip: null }, { id: '2', payslip: null }] },
      },
      calls: { users: 1, payslips: 0 },
    },
    {
      name: 'either list of the type\'s scopes suffices',
      key: 'payroll-key',
      query: '{ users(ids: ["1", "2"]) { id ...Pay } } fragment Pay on User { payslip { amount } }',
      body: { data: { users: [{ id: '1', payslip: { amount: 100 } }, { id: '2', payslip: { amount: 100 } }] } },
      calls: { users: 1, payslips: 1 },
    },
    {
      name: 'a forbidden root field: no upstream call at all',
      key: 'pii-key',
      query: '{ payslips(ids: ["1"]) { id amount } }',
      body: { errors: [forbidden(['payslips'], 'Query.payslips', 'hr:read, or payroll:admin')], data: { payslips: null } },
      calls: { users: 0, payslips: 0 },
    },
  ];

  test.for(DOORS.flatMap((door) => CASES.map((c) => ({ door, ...c }))))('$door door: $name', async ({ door, key, query, body, calls }) => {
    const users = callsTo('/users');
    const payslips = callsTo('/payslips');
    const response = await rig.gw.queryVia(door as Door, query, undefined, { 'x-api-key': key });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(body);
    expect({ users: callsTo('/users') - users, payslips: callsTo('/payslips') - payslips }).toEqual(calls);
  });
});

describe('@mask(unmaskScope:): masked for everyone but callers holding the scope, through aliases, fragments and lists', () => {
  const QUERY = '{ users(ids: ["1", "2"]) { id e: email ...Contact } } fragment Contact on User { phone email2: email }';
  const expected = (shape: (id: string) => { email: string; phone: string }) => ({
    data: { users: ['1', '2'].map((id) => ({ id, e: shape(id).email, phone: shape(id).phone, email2: shape(id).email })) },
  });
  // Alternating callers over one document: plans are cached per scope set, so each gets its own.
  const CASES = [
    { name: 'no pii:read', headers: async () => ({ 'x-api-key': 'basic-key' }), body: expected(MASKED) },
    { name: 'pii:read from callers.yaml', headers: async () => ({ 'x-api-key': 'pii-key' }), body: expected(PLAIN) },
    { name: 'hr:read only', headers: async () => ({ 'x-api-key': 'hr-key' }), body: expected(MASKED) },
    { name: 'pii:read from the token\'s scope claim', headers: async () => ({ authorization: `Bearer ${await secretToken(SECRET, { sub: 'svc-crm', scope: 'openid pii:read' })}` }), body: expected(PLAIN) },
    { name: 'a token without it', headers: async () => ({ authorization: `Bearer ${await secretToken(SECRET, { sub: 'svc-crm', scope: 'openid' })}` }), body: expected(MASKED) },
  ];
  test.for(DOORS.flatMap((door) => CASES.map((c) => ({ door, ...c }))))('$door door: $name', async ({ door, headers, body }) => {
    const response = await rig.gw.queryVia(door as Door, QUERY, undefined, await headers());
    expect(response.body).toEqual(body);
  });
});

describe('authentication off (no callers.yaml)', () => {
  test('no scope is checked; masks hold for everyone', async () => {
    const open = await startAuthRig(undefined, {}, SCHEMA);
    try {
      for (const door of DOORS) {
        const response = await open.gw.queryVia(door, '{ users(ids: ["1"]) { salary email payslip { amount } } }');
        expect(response.body).toEqual({ data: { users: [{ salary: 1000, email: MASKED('1').email, payslip: { amount: 100 } }] } });
      }
    } finally {
      await open.close();
    }
  });
});
