import { describe, expect, test } from 'vitest';
import { pino, type DestinationStream } from 'pino';
import { createLogger, logInfo, runWithRequestContext, type RequestContext } from '../../src/observability/index.ts';

/** Captures written lines; the time field is blanked so two writes can be compared byte for byte. */
function capture(): { lines: string[]; destination: DestinationStream } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line.replace(/"time":\d+/, '"time":0')) } };
}

const stats = { calls: 2, batchSizes: [1, 3], failures: 0 };
const contexts: (RequestContext | undefined)[] = [undefined, { requestId: 'r-1', callerId: undefined, startedAt: 0 }, { requestId: 'r-2', callerId: 'billing', startedAt: 0 }];

// logInfo writes some lines itself: each must be exactly what pino's logger.info writes.
describe('logInfo writes what logger.info writes', () => {
  test.for([
    { name: 'access-log shape', fields: { reqId: 'x', callerId: undefined, method: 'POST', path: '/graphql', status: 200, durationMs: 1.25, upstreamCalls: { users: stats } } },
    { name: 'escapes and odd numbers', fields: { path: '/a"b\\c\n\u2028é', n: Number.NaN, inf: Infinity, neg: -0, list: [1, 'two', null] } },
    { name: 'no fields', fields: {} },
    { name: 'a field overriding the context', fields: { reqId: 'mine', status: 500 } },
    { name: 'an apiKey inside an object field (redacted)', fields: { upstreamCalls: { apiKey: stats }, other: 1 } },
    { name: 'headers (redacted)', fields: { headers: { authorization: 'Bearer secret' } } },
  ])('$name', ({ fields }) => {
    for (const context of contexts) {
      const quick = capture();
      const viaPino = capture();
      const run = (fn: () => void) => (context ? runWithRequestContext(context, fn) : fn());
      run(() => logInfo(createLogger({ destination: quick.destination }), fields, 'request completed'));
      run(() => createLogger({ destination: viaPino.destination }).info(fields, 'request completed'));
      expect(quick.lines).toHaveLength(1);
      expect(quick.lines).toEqual(viaPino.lines);
      expect(quick.lines[0]).not.toContain('secret');
    }
  });

  // The access line leads with the context's own fields: written without the mixin, it must still be pino's line.
  test.for([
    { name: 'no caller, production', context: { requestId: 'r-1', callerId: undefined, startedAt: 0 } },
    { name: 'a caller', context: { requestId: 'r-2', callerId: 'billing', startedAt: 0 } },
    { name: 'a caller and a mark', context: { requestId: 'r-3', callerId: 'billing', traffic: 'stress', startedAt: 0 } },
    { name: 'a mark, no caller', context: { requestId: 'r-4', callerId: undefined, traffic: 'preview', startedAt: 0 } },
  ])('an access line that carries its context: $name', ({ context }) => {
    const fields = { reqId: context.requestId, callerId: context.callerId, traffic: context.traffic ?? 'production', method: 'POST', status: 200, upstreamCalls: { users: stats } };
    const quick = capture();
    const viaPino = capture();
    runWithRequestContext(context, () => logInfo(createLogger({ destination: quick.destination }), fields, 'request completed', true));
    runWithRequestContext(context, () => createLogger({ destination: viaPino.destination }).info(fields, 'request completed'));
    expect(quick.lines).toEqual(viaPino.lines);
  });

  test('respects the level', () => {
    const quick = capture();
    logInfo(createLogger({ level: 'warn', destination: quick.destination }), { a: 1 }, 'hidden');
    expect(quick.lines).toEqual([]);
  });

  test("another logger's options (formatters) are its own", () => {
    const lines: string[] = [];
    const foreign = pino({ formatters: { level: (label) => ({ severity: label }) } }, { write: (line: string) => void lines.push(line) });
    logInfo(foreign, { a: 1 }, 'hello');
    expect(JSON.parse(lines[0]!)).toMatchObject({ severity: 'info', a: 1, msg: 'hello' });
  });
});
