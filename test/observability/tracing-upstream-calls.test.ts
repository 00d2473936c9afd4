import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DOORS, startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { SpanRecorder } from '../support/span-recorder.ts';

const SCHEMA = `
type Query {
  flaky: [Rate] @source(connector: "rates", operation: "flakyOnce")
  broken: [Rate] @source(connector: "rates", operation: "broken")
  cached: [Rate] @source(connector: "rates", operation: "cached")
}
type Mutation {
  touch: Rate @source(connector: "rates", operation: "touch")
}
type Rate { id: ID! }
`;

const RATES_YAML = `
baseUrl: \${RATES_URL}
circuitBreaker: { enabled: false }
retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }
operations:
  flakyOnce:
    path: /flaky-once
    result: items
  broken:
    path: /broken
    result: items
  cached:
    path: /cached
    cache: { ttlMs: 600000 }
    result: items
  touch:
    method: POST
    path: /touch
    body: { source: tessera }
`;

let rates: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };
let gw: TestGateway;
const recorder = new SpanRecorder();
/** Trace contexts /flaky-once has failed once already. */
const failedOnce = new Set<string>();

beforeAll(async () => {
  rates = await startFakeUpstream((call, res) => {
    const traceparent = String(call.headers.traceparent);
    if (call.url.pathname === '/broken') return json(res, 500, { error: 'down' });
    if (call.url.pathname === '/touch') return json(res, 200, { id: 't1' });
    if (call.url.pathname === '/flaky-once' && !failedOnce.has(traceparent)) {
      failedOnce.add(traceparent);
      return json(res, 503, { error: 'busy' });
    }
    json(res, 200, { items: [{ id: 'r1' }] });
  });
  config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'rates.yaml': RATES_YAML } });
  gw = await startGateway({ configDir: config.dir, env: { RATES_URL: rates.url }, tracing: { enabled: true, exporter: recorder } });
});

afterAll(async () => {
  await gw.close();
  await rates.close();
  await config.remove();
});

beforeEach(() => {
  recorder.reset();
  rates.calls.length = 0;
});

const clientSpans = (spans: readonly ReadableSpan[]) => spans.filter((s) => s.kind === SpanKind.CLIENT);

describe('client spans of upstream calls: retries, failures, cache hits', () => {
  test.for(DOORS)('%s door: a call that succeeds on its retry is one span with retry count 1; both attempts name it as their parent', async (door) => {
    const { body } = await gw.queryVia(door, 'query Flaky { flaky { id } }');
    expect(body).toEqual({ data: { flaky: [{ id: 'r1' }] } });
    const [call] = clientSpans(await recorder.nthTrace(0));
    expect(call!.name).toBe('rates.flakyOnce');
    expect(call!.attributes).toMatchObject({ 'tessera.retry.count': 1, 'tessera.outcome': 'ok', 'http.response.status_code': 200 });
    expect(call!.status.code).toBe(SpanStatusCode.UNSET);
    const { traceId, spanId } = call!.spanContext();
    expect(rates.calls.map((c) => c.headers.traceparent)).toEqual([`00-${traceId}-${spanId}-01`, `00-${traceId}-${spanId}-01`]);
  });

  test.for(DOORS)('%s door: a call that fails for good: error status, code, HTTP status and an exception event on its span', async (door) => {
    const { body } = await gw.queryVia(door, 'query Broken { broken { id } }');
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_HTTP_ERROR']);
    const spans = await recorder.nthTrace(0);
    const [call] = clientSpans(spans);
    expect(call!.attributes).toMatchObject({ 'tessera.retry.count': 1, 'tessera.outcome': 'http_error', 'error.type': 'UPSTREAM_HTTP_ERROR', 'http.response.status_code': 500 });
    expect(call!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UPSTREAM_HTTP_ERROR: Upstream rates.broken answered HTTP 500' });
    expect(call!.events.map((e) => [e.name, e.attributes])).toEqual([
      ['exception', { 'exception.type': 'UPSTREAM_HTTP_ERROR', 'exception.message': 'Upstream rates.broken answered HTTP 500' }],
    ]);
    expect(rates.calls).toHaveLength(2);
    const request = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(request.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UPSTREAM_HTTP_ERROR' });
  });

  test.for(DOORS)('%s door: a mutation: its request span, its plan and its stage, the POST under it; no shape span (each root field is shaped as it goes)', async (door) => {
    const { body } = await gw.queryVia(door, 'mutation Touch { touch { id } }');
    expect(body).toEqual({ data: { touch: { id: 't1' } } });
    const spans = await recorder.nthTrace(0);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s.name]));
    expect(spans.map((s) => [s.name, s.parentSpanContext ? byId.get(s.parentSpanContext.spanId) : undefined]).sort()).toEqual([
      ['mutation Touch', undefined],
      ['plan', 'mutation Touch'],
      ['rates.touch', 'stage 1'],
      ['stage 1', 'mutation Touch'],
    ]);
    expect(spans.find((s) => s.name === 'rates.touch')!.attributes).toMatchObject({ 'http.request.method': 'POST', 'tessera.outcome': 'ok' });
    expect(spans.find((s) => s.name === 'rates.touch')!.attributes['tessera.batch.size']).toBeUndefined();
  });

  test('a cache hit is a span too, marked as one; the trace headers never split the cache', async () => {
    await gw.query('query Cached { cached { id } }');
    await gw.query('query Cached { cached { id } }');
    const [first, second] = [clientSpans(await recorder.nthTrace(0)), clientSpans(await recorder.nthTrace(1))];
    expect([first[0]!.attributes['tessera.cache.hit'], second[0]!.attributes['tessera.cache.hit']]).toEqual([false, true]);
    expect(rates.calls.map((c) => c.url.pathname)).toEqual(['/cached']);
  });

  // Last: it changes the config the other tests use.
  test('after a reload replaces the connector, its calls are still traced', async () => {
    await writeFile(path.join(config.dir, 'connectors', 'rates.yaml'), RATES_YAML.replace('path: /cached', 'path: /cached-v2'));
    expect((await gw.gateway.reload()).result).toBe('ok');
    await gw.query('query Cached { cached { id } }');
    const [call] = clientSpans(await recorder.nthTrace(0));
    expect([call!.name, call!.attributes['tessera.cache.hit']]).toEqual(['rates.cached', false]);
    expect(rates.calls.map((c) => [c.url.pathname, c.headers.traceparent])).toEqual([['/cached-v2', `00-${call!.spanContext().traceId}-${call!.spanContext().spanId}-01`]]);
  });
});
