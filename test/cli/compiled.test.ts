import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/gateway.ts';

/**
 * Production (the Docker image, the bench's servers) runs the sources compiled by `npm run build`,
 * not through Node's type stripping. The compiled tree must work on its own: relative imports
 * rewritten to .js, including the dynamic one that loads graphql-yoga off the hot path.
 */
const COMPILED_MAIN = path.join(REPO_ROOT, 'dist/src/cli/main.js');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let demo: ChildProcess | undefined;
let url: string;
let exited: Promise<number | null>;

beforeAll(async () => {
  await new Promise<void>((resolve, reject) => {
    execFile(npm, ['run', 'build', '--silent'], { cwd: REPO_ROOT }, (error, _stdout, stderr) => (error ? reject(new Error(`npm run build failed: ${stderr}`)) : resolve()));
  });
  demo = spawn(process.execPath, [COMPILED_MAIN, 'demo'], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'] });
  exited = new Promise((resolve) => demo!.once('exit', (code) => resolve(code)));
  url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: demo!.stdout! }).on('line', (line) => {
      const match = /GraphiQL at (http:\/\/\S+)\/graphql/.exec(line);
      if (match) resolve(match[1]!);
    });
    demo!.once('exit', () => reject(new Error('the compiled demo exited before listening')));
  });
}, 180_000); // tsc over the whole tree: on a loaded 2-core machine well over a minute

afterAll(async () => {
  if (demo && demo.exitCode === null) demo.kill('SIGKILL');
});

test('the compiled demo serves the hot path, the yoga path, and stops cleanly on SIGTERM', async () => {
  const post = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ customer(id: "42") { id tickets(status: "open") { agent { id } } } }' }),
  });
  expect(post.status).toBe(200);
  const body = (await post.json()) as { data: { customer: { id: string; tickets: unknown[] } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data.customer.id).toBe('42');

  const get = await fetch(`${url}/graphql?query=${encodeURIComponent('{ agent(id: "a1") { id } }')}`);
  expect(await get.json()).toEqual({ data: { agent: { id: 'a1' } } });

  // GraphiQL's files are found from the compiled tree too (the Docker image runs it).
  const page = await (await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })).text();
  const script = /<script src="([^"]+)">/.exec(page)?.[1];
  expect(script).toMatch(/^\/graphiql\/[^/]+\/yoga-graphiql\.umd\.js$/);
  const asset = await fetch(`${url}${script}`);
  expect([asset.status, asset.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
  await asset.arrayBuffer();

  demo!.kill('SIGTERM');
  expect(await exited).toBe(0);
});
