import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Undici from 'undici';
import { expect, test } from 'vitest';
import { Agent, undiciErrors } from '../../src/transports/http/undici-parts.ts';

const require = createRequire(import.meta.url);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the Agent and the errors loaded from their own modules are the ones undici exports', () => {
  const undici = require('undici') as typeof Undici;
  expect(Agent).toBe(undici.Agent);
  expect(undiciErrors).toBe(undici.errors);
  // The error classes the HTTP transport tells apart.
  for (const name of ['RequestAbortedError', 'ConnectTimeoutError', 'HeadersTimeoutError', 'BodyTimeoutError', 'SocketError'] as const) {
    expect(undiciErrors[name].prototype).toBeInstanceOf(Error);
  }
});

test('a process running the gateway never loads undici’s index (fetch, WebSocket, caches: RSS it would not use)', () => {
  // In a fresh process: this test file's own require('undici') above must not count.
  const script = `
    const { createGateway } = await import(${JSON.stringify(path.join(REPO_ROOT, 'src/index.ts'))});
    const gateway = await createGateway({ configDir: ${JSON.stringify(REPO_ROOT)}, env: { CRM_URL: 'http://127.0.0.1:9', ORDERS_URL: 'http://127.0.0.1:9', TICKETS_URL: 'http://127.0.0.1:9', AGENTS_URL: 'http://127.0.0.1:9', RISK_ADDRESS: '127.0.0.1:9', LOYALTY_ADDRESS: '127.0.0.1:9' } });
    const { createRequire } = await import('node:module');
    const cache = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ index: cache.filter((f) => /undici[\\\\/]index\\.js$/.test(f)).length, parts: cache.filter((f) => /undici[\\\\/]lib[\\\\/]dispatcher[\\\\/]agent\\.js$/.test(f)).length }));
    await gateway.close();
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ index: 0, parts: 1 });
});
