import { describe, expect, test } from 'vitest';
import { Admission, type LoopDelayProbe } from '../../src/server/admission.ts';
import { RateLimiter } from '../../src/resilience/index.ts';

const OVERLOADED = { status: 503, headers: { 'retry-after': '1' }, body: { errors: [{ message: 'The gateway is overloaded; retry shortly.', extensions: { code: 'OVERLOADED' } }] } };
const limited = (seconds: number) => ({
  status: 429,
  headers: { 'retry-after': String(seconds) },
  body: { errors: [{ message: 'Rate limit exceeded for this caller.', extensions: { code: 'RATE_LIMITED' } }] },
});
const noLimits = () => new RateLimiter({ default: undefined, callers: {} });

describe('admission: in-flight cap', () => {
  test('admits up to maxInFlight, sheds the next, admits again after a release', () => {
    const admission = new Admission({ maxInFlight: 2, maxEventLoopDelayMs: undefined, rateLimiter: noLimits() });
    expect([admission.admit('a'), admission.admit('b'), admission.admit('c')]).toEqual([undefined, undefined, OVERLOADED]);
    admission.release();
    expect(admission.admit('c')).toBeUndefined();
    expect(admission.inFlight).toBe(2);
    admission.close();
  });
});

describe('admission: event-loop delay', () => {
  test('sheds while the last sample period lagged more than maxEventLoopDelayMs, and recovers', () => {
    let p99Ms = 0;
    const probe: LoopDelayProbe = { p99Ms: () => p99Ms, reset: () => {}, close: () => {} };
    const admission = new Admission({ maxInFlight: 100, maxEventLoopDelayMs: 200, rateLimiter: noLimits(), loopDelayProbe: probe });
    const afterSample = (lagMs: number) => {
      p99Ms = lagMs;
      admission.sampleEventLoop();
      const refusal = admission.admit(undefined);
      if (!refusal) admission.release();
      return refusal;
    };
    expect([afterSample(20), afterSample(200), afterSample(450), afterSample(30)]).toEqual([undefined, undefined, OVERLOADED, undefined]);
    admission.close();
  });
});

describe('rate limiter: a token bucket per caller', () => {
  test('burst, then the sustained rate; Retry-After says when a token is back; callers do not share', () => {
    let now = 0;
    const rateLimiter = new RateLimiter({
      default: { requestsPerSecond: 100, burst: 100 },
      callers: { reports: { requestsPerSecond: 2, burst: 3 }, slow: { requestsPerSecond: 1, burst: 1 } },
      now: () => now,
    });
    const admission = new Admission({ maxInFlight: 1_000, maxEventLoopDelayMs: undefined, rateLimiter });
    const take = (caller: string | undefined) => admission.admit(caller);
    expect([take('reports'), take('reports'), take('reports'), take('reports')]).toEqual([undefined, undefined, undefined, limited(1)]);
    expect(take('checkout')).toBeUndefined(); // the default bucket, its own
    expect(take(undefined)).toBeUndefined(); // no caller id: the default limit too
    expect([take('slow'), take('slow')]).toEqual([undefined, limited(1)]);
    now += 500; // 2/s × 0.5 s = one token back for reports; half a token for slow
    expect([take('reports'), take('reports'), take('slow')]).toEqual([undefined, limited(1), limited(1)]);
    now += 500;
    expect(take('slow')).toBeUndefined();
    admission.close();
  });

  test('no limits configured: the check is skipped', () => {
    expect(noLimits().enabled).toBe(false);
  });
});
