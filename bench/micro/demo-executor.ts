import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { validateConfig } from '../../src/index.ts';
import { Executor } from '../../src/execute/index.ts';
import type { Blueprint } from '../../src/blueprint/index.ts';
import { inMemoryDemoTransport } from './in-memory-upstreams.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The demo config compiled, and an executor over in-memory demo upstreams (no sockets). */
export async function demoExecutor(): Promise<{ blueprint: Blueprint; executor: Executor }> {
  const report = await validateConfig({ configDir: REPO_ROOT, env: {} });
  if (!report.blueprint) throw new Error(report.text);
  const transport = inMemoryDemoTransport();
  // Each request batches alone: the micro benchmarks price one request's work.
  const executor = new Executor({ blueprint: report.blueprint, sendFor: () => (request, options) => transport.send(request, options), logger: pino({ level: 'silent' }), batchAcrossRequests: false });
  return { blueprint: report.blueprint, executor };
}
