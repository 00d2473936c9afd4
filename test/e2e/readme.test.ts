import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { REPO_ROOT, startDemo, type TestDemo } from '../support/gateway.ts';

/** The README is the truth: its panel query, sent to the demo, gives exactly the answer it shows. */
let demo: TestDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.close());

test('the README panel query answers what the README shows', async () => {
  const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A panel query'));
  const payload = /-d '(\{.*\})'/.exec(section)?.[1];
  const shown = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  expect(payload, 'README panel curl -d payload').toBeDefined();
  expect(shown, 'README panel answer').toBeDefined();
  const { query, variables } = JSON.parse(payload!) as { query: string; variables: Record<string, unknown> };
  const { status, body } = await demo.query(query, variables);
  expect(status).toBe(200);
  expect(body).toEqual(JSON.parse(shown!));
});
