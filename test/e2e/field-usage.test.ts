import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/gateway.ts';
import { callersYaml } from '../support/callers.ts';
import { startFrontDoor, type FrontDoorRig } from './front-door-fixtures.ts';

const TOKEN = 'usage-test-token';

let rig: FrontDoorRig;
beforeAll(async () => {
  // Usage is counted per verified caller (callers.yaml), each proven by its API key.
  rig = await startFrontDoor(`reload:\n  adminToken: ${TOKEN}\nlimits:\n  maxDepth: 3\n`, {
    'callers.yaml': callersYaml({ mode: 'optional', callers: { 'svc-a': ['svc-a-key'], 'svc-b': ['svc-b-key'], 'svc-c': ['svc-c-key'] } }),
  });
});
afterAll(async () => {
  await rig?.close();
});

const usage = (pathname = '/admin/usage', init: RequestInit = {}) =>
  fetch(`${rig.gw.url}${pathname}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });

describe('per-field usage per caller', () => {
  test('counts are exact for a known mix of requests, on both doors, and name the unused fields', async () => {
    await usage('/admin/usage/reset', { method: 'POST' });
    const asA = { 'x-api-key': 'svc-a-key' };
    const asB = { 'x-api-key': 'svc-b-key' };
    for (let i = 0; i < 3; i++) await rig.gw.query('{ user(id: "1") { id name } }', undefined, asA);
    await rig.gw.queryVia('yoga', '{ user(id: "1") { id name } }', undefined, asA);
    // Aliases and fragments: each field counts once per request.
    for (let i = 0; i < 2; i++) await rig.gw.query('{ users(ids: ["1", "2"]) { id ...F again: id } } fragment F on User { best { email } }', undefined, asB);
    await rig.gw.query('{ __typename }');
    // Refused requests run no plan: not counted.
    expect((await rig.gw.query('{ user(id: "1") { best { best { id } } } }', undefined, asA)).status).toBe(400);

    const response = await usage();
    expect(response.status).toBe(200);
    const report = (await response.json()) as Record<string, unknown>;
    expect(report.callers).toEqual({
      anonymous: { requests: 1, fields: {} },
      'svc-a': { requests: 4, fields: { 'Query.user': 4, 'User.id': 4, 'User.name': 4 } },
      'svc-b': { requests: 2, fields: { 'Query.users': 2, 'User.best': 2, 'User.email': 2, 'User.id': 2 } },
    });
    expect(report.fields).toEqual({ 'Query.user': 4, 'Query.users': 2, 'User.best': 2, 'User.email': 2, 'User.id': 6, 'User.name': 4 });
    expect(report.unused).toEqual(['Pet.name', 'User.pets']);
  });

  test('reset starts a new window', async () => {
    await rig.gw.query('{ user(id: "2") { email } }', undefined, { 'x-api-key': 'svc-c-key' });
    const last = (await (await usage('/admin/usage/reset', { method: 'POST' })).json()) as { callers: Record<string, unknown>; until: string };
    expect(Object.keys(last.callers)).toContain('svc-c');
    const next = (await (await usage()).json()) as { callers: Record<string, unknown>; since: string; unused: string[] };
    expect(next.callers).toEqual({});
    expect(next.since).toBe(last.until);
    expect(next.unused).toHaveLength(8); // every field of Query, User and Pet
  });

  test('marked (stress) traffic is counted apart: it never makes a field look used', async () => {
    await usage('/admin/usage/reset', { method: 'POST' });
    await rig.gw.query('{ user(id: "3") { email } }', undefined, { 'x-api-key': 'svc-a-key', 'x-tessera-traffic': 'stress' });
    await rig.gw.queryVia('yoga', '{ user(id: "3") { id } }', undefined, { 'x-api-key': 'svc-a-key' });
    const report = (await (await usage()).json()) as { callers: unknown; marked: unknown; unused: string[] };
    expect(report.callers).toEqual({ 'svc-a': { requests: 1, fields: { 'Query.user': 1, 'User.id': 1 } } });
    expect(report.marked).toEqual({ stress: { callers: { 'svc-a': { requests: 1, fields: { 'Query.user': 1, 'User.email': 1 } } }, fields: { 'Query.user': 1, 'User.email': 1 } } });
    expect(report.unused).toContain('User.email');
  });

  test.for([
    { name: 'no token', headers: {} as Record<string, string>, status: 401 },
    { name: 'a wrong token', headers: { authorization: 'Bearer nope' } as Record<string, string>, status: 401 },
  ])('$name: $status', async ({ headers, status }) => {
    const response = await fetch(`${rig.gw.url}/admin/usage`, { headers });
    expect(response.status).toBe(status);
  });

  test('without an admin token the endpoint does not exist', async () => {
    const plain = await startFrontDoor('');
    try {
      expect((await fetch(`${plain.gw.url}/admin/usage`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  test('tessera usage prints it', async () => {
    await usage('/admin/usage/reset', { method: 'POST' });
    await rig.gw.query('{ user(id: "1") { id } }', undefined, { 'x-api-key': 'svc-a-key' });
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [path.join(REPO_ROOT, 'src/cli/main.ts'), 'usage', '--url', rig.gw.url, ...args], { env: { ...process.env, TESSERA_ADMIN_TOKEN: TOKEN } }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const text = await run([]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(1)).toEqual(['', 'svc-a: 1 request(s)', '  Query.user  1', '  User.id     1', '', 'Unused in this window (6):', '  Pet.name', '  Query.users', '  User.best', '  User.email', '  User.name', '  User.pets', '']);
    const unused = await run(['--unused']);
    expect(unused.stdout).not.toContain('svc-a');
    expect(unused.stdout).toContain('  User.pets');
  });
});
