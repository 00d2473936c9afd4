import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
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

  test('a warning inside a request is written at once, with the access-log lines before it', async () => {
    const destination = bufferedDestination(file, 3_600_000);
    await new Promise((resolve) => (destination as unknown as { once(e: string, f: () => void): void }).once('ready', () => resolve(undefined)));
    const logger = createLogger({ destination });
    runWithRequestContext(inRequest, () => {
      logInfo(logger, { status: 200 }, 'request 0');
      logger.warn('upstream call failed');
    });
    expect(await messages()).toEqual(['request 0', 'upstream call failed']);
  });

  test('in a quiet period the buffer is written by the periodic flush, when its interval has passed', async () => {
    // Only setInterval is faked: the flush timer the destination starts is the one under test.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const destination = bufferedDestination(file, 250);
      await new Promise((resolve) => (destination as unknown as { once(e: string, f: () => void): void }).once('ready', () => resolve(undefined)));
      const logger = createLogger({ destination });
      runWithRequestContext(inRequest, () => logInfo(logger, {}, 'request 0'));
      vi.advanceTimersByTime(249);
      expect(await messages()).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(await messages()).toEqual(['request 0']);
    } finally {
      vi.useRealTimers();
    }
  });
});
