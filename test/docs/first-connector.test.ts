import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { validateConfig } from '../../src/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { curlBody, markedBlock, markerNames, readDoc } from '../support/markdown.ts';

/**
 * The README's "Your first connector", done as a newcomer would: every file it shows is written
 * where it says, the tiny service is started with node, the gateway serves the folder, and the
 * query it shows gets the answer it shows.
 */
const README = readDoc('README.md');
const PREFIX = 'first-connector ';
const files = markerNames(README, PREFIX)
  .map((name) => name.slice(PREFIX.length))
  .filter((name) => name !== 'query' && name !== 'answer');

let dir: string;
let service: ChildProcess;
let serviceUrl: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tessera-first-connector-'));
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), markedBlock(README, PREFIX + file));
  }
  // The service as the README starts it, on a free port: it prints where it listens.
  service = spawn(process.execPath, ['books.mjs'], { cwd: dir, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [firstLine] = await createInterface({ input: service.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string | undefined]);
  serviceUrl = /^books on (http:\/\/127\.0\.0\.1:\d+)$/.exec(firstLine ?? '')?.[1] ?? '';
  expect(serviceUrl, `the service's first line: ${firstLine}`).not.toBe('');
  gw = await startGateway({ configDir: path.join(dir, 'my-gateway'), env: { BOOKS_URL: serviceUrl } });
});

afterAll(async () => {
  await gw?.close();
  service?.kill();
  await rm(dir, { recursive: true, force: true });
});

test('the walkthrough shows a service, a connector and a schema', () => {
  expect(files).toEqual(['books.mjs', 'my-gateway/connectors/books.yaml', 'my-gateway/schemas/books.graphql']);
});

test('validate finds nothing to say about it', async () => {
  const report = await validateConfig({ configDir: path.join(dir, 'my-gateway'), env: { BOOKS_URL: serviceUrl } });
  expect(report.text).toBe('');
});

test('the query shown gets the answer shown', async () => {
  const command = markedBlock(README, `${PREFIX}query`);
  const response = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: curlBody(command) });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual(JSON.parse(markedBlock(README, `${PREFIX}answer`)));
  // One call per book: the upstream was really asked, and the missing book's 404 cost only its field.
  expect(gw.logs.find((line) => line.msg === 'request completed')?.upstreamCalls).toMatchObject({ 'books.getBook': { calls: 2, failures: 1 } });
});
