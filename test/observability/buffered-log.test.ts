import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bufferedDestination, createLogger, logInfo, runWithRequestContext, type RequestContext } from '../../src/observability/index.ts';

// The default destination buffers access-log lines; these tests give it a file instead of stdout.
let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tessera-log-'));
  file = path.join(dir, 'out.log');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const inRequest: RequestContext = { requestId: 'r-1', callerId: undefined, startedAt: 0 };
const messages = async (): Promise<string[]> =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { msg: string }).msg);

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const stopAt = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > stopAt) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('buffered log destination', () => {
  test('access-log lines wait in the buffer; a line outside any request writes them and itself at once, in order', async () => {
    const destination = bufferedDestination(file, 3_600_000); // no periodic flush during the test
    await new Promise((resolve) => (destination as unknown as { once(e: string, f: () => void): void }).once('ready', () => resolve(undefined)));
    const logger = createLogger({ destination });
    runWithRequestContext(inRequest, () => {
      for (let i = 0; i < 3; i++) logInfo(logger, { status: 200 }, `request ${i}`);
    });
    expect(await readFile(file, 'utf8')).toBe('');
    logger.info({ signal: 'SIGTERM' }, 'shutting down');
    expect(await messages()).toEqual(['request 0', 'request 1', 'request 2', 'shutting down']);
  });

  test.for([
    { name: 'a warning inside a request', write: (logger: ReturnType<typeof createLogger>) => runWithRequestContext(inRequest, () => logger.warn('upstream call failed')), expected: ['upstream call failed'] },
    { name: 'a quiet period (periodic flush)', write: (logger: ReturnType<typeof createLogger>) => runWithRequestContext(inRequest, () => logInfo(logger, {}, 'request 0')), expected: ['request 0'] },
  ])('$name is written without waiting for the buffer to fill', async ({ write, expected }) => {
    const destination = bufferedDestination(file);
    await new Promise((resolve) => (destination as unknown as { once(e: string, f: () => void): void }).once('ready', () => resolve(undefined)));
    const logger = createLogger({ destination });
    write(logger);
    await until(async () => (await messages()).length === expected.length);
    expect(await messages()).toEqual(expected);
  });
});
