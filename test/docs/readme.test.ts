import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT, startDemo, type TestDemo } from '../support/gateway.ts';
import { curlBody, markedBlock, readDoc } from '../support/markdown.ts';

/** The README is a quick start: short, its two set-up commands real, its panel query true. */
const README = readDoc('README.md');

describe('README', () => {
  test('stays a quick start: under 8 KB', () => {
    expect(Buffer.byteLength(README)).toBeLessThan(8 * 1024);
  });

  test('its two commands set up and run the demo and the tests', () => {
    const setUp = README.slice(README.indexOf('## Set up, run, test'));
    const commands = /```sh\n([\s\S]*?)```/.exec(setUp)?.[1]?.split('\n').map((line) => line.split('#')[0]!.trim()).filter(Boolean);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    const scripts = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toMatch(/ src\/cli\/tessera\.js demo$/);
    expect(scripts.test).toBe('vitest run');
  });
});

describe('the README panel query, sent to the demo', () => {
  let demo: TestDemo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(() => demo.close());

  test('answers exactly what the README shows', async () => {
    const command = markedBlock(README, 'panel-query');
    expect(command).toContain('http://127.0.0.1:4000/graphql');
    const response = await fetch(`${demo.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: curlBody(command) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(markedBlock(README, 'panel-answer')));
  });
});
