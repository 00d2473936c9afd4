import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DOORS, startDemo, type TestDemo } from '../support/gateway.ts';
import { SpanRecorder } from '../support/span-recorder.ts';

const PANEL = `query Panel($id: ID!) {
  customer(id: $id) {
    id name tier points
    risk { level }
    orders(limit: 3) { id createdAt totalCents status }
    tickets(status: "open") { id subject agent { name team } }
  }
}`;

const CALLER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';
const callerHeaders = (flags: '01' | '00') => ({ traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-${flags}`, tracestate: 'vendor=abc' });

/** A span as the assertions read it: its name, kind, parent's name and the attributes that matter. */
function tree(spans: readonly ReadableSpan[]): { name: string; kind: SpanKind; parent: string | undefined }[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  return spans
    .map((s) => ({ name: s.name, kind: s.kind, parent: s.parentSpanContext ? (byId.get(s.parentSpanContext.spanId)?.name ?? `remote ${s.parentSpanContext.spanId}`) : undefined }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const named = (spans: readonly ReadableSpan[], name: string): ReadableSpan => {
  const found = spans.filter((s) => s.name === name);
  expect(found, `spans named ${name}`).toHaveLength(1);
  return found[0]!;
};

describe('OpenTelemetry traces of the demo panel (HTTP and gRPC upstreams)', () => {
  const recorder = new SpanRecorder();
  let demo: TestDemo;
  beforeAll(async () => {
    demo = await startDemo({ tracing: { enabled: true, exporter: recorder } });
  });
  afterAll(() => demo.close());
  beforeEach(() => {
    recorder.reset();
    demo.upstreams.resetRequests();
  });

  test.for(DOORS)('%s door: one request span under the caller\'s, plan, stage and shape spans under it, one client span per upstream call', async (door) => {
    const { status, body } = await demo.queryVia(door, PANEL, { id: '52' }, callerHeaders('01'));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const spans = await recorder.trace(CALLER_TRACE_ID);

    expect(tree(spans)).toEqual([
      { name: 'agents.getAgents', kind: SpanKind.CLIENT, parent: 'stage 2' },
      { name: 'crm.getCustomers', kind: SpanKind.CLIENT, parent: 'stage 1' },
      { name: 'orders.ordersByCustomer', kind: SpanKind.CLIENT, parent: 'stage 1' },
      { name: 'plan', kind: SpanKind.INTERNAL, parent: 'query Panel' },
      { name: 'query Panel', kind: SpanKind.SERVER, parent: `remote ${CALLER_SPAN_ID}` },
      { name: 'risk.scoresByCustomer', kind: SpanKind.CLIENT, parent: 'stage 1' },
      { name: 'shape', kind: SpanKind.INTERNAL, parent: 'query Panel' },
      { name: 'stage 1', kind: SpanKind.INTERNAL, parent: 'query Panel' },
      { name: 'stage 2', kind: SpanKind.INTERNAL, parent: 'query Panel' },
      { name: 'tickets.ticketsByCustomer', kind: SpanKind.CLIENT, parent: 'stage 1' },
    ]);

    const request = named(spans, 'query Panel');
    expect(request.attributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/graphql',
      'tessera.request.id': expect.any(String),
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Panel',
      'http.response.status_code': 200,
    });
    expect(request.status.code).toBe(SpanStatusCode.UNSET);
    expect(request.resource.attributes['service.name']).toBe('tessera');
    expect(named(spans, 'plan').attributes).toEqual({ 'tessera.plan.cache_hit': expect.any(Boolean), 'tessera.plan.fetches': 5, 'tessera.plan.stages': 2 });
    expect(named(spans, 'stage 1').attributes).toEqual({
      'tessera.stage': 1,
      'tessera.stage.operations': ['crm.getCustomers', 'risk.scoresByCustomer', 'orders.ordersByCustomer', 'tickets.ticketsByCustomer'],
    });
    expect(named(spans, 'stage 2').attributes).toEqual({ 'tessera.stage': 2, 'tessera.stage.operations': ['agents.getAgents'] });

    // Exactly one client span per call the upstreams received (4 HTTP + 1 gRPC), with its batch size.
    const agentsCall = demo.upstreams.requests.find((r) => r.service === 'agents')!;
    expect(demo.upstreams.requests.map((r) => r.service).sort()).toEqual(['agents', 'crm', 'orders', 'tickets']);
    expect(demo.upstreams.riskCalls).toHaveLength(1);
    const http = (name: string, batchSize: number) => ({
      'tessera.connector': name.split('.')[0],
      'tessera.operation': name.split('.')[1],
      'tessera.batch.size': batchSize,
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(demo.upstreams.urls[name.split('.')[0] as 'crm']).port),
      'tessera.retry.count': 0,
      'tessera.cache.hit': false,
      'tessera.outcome': 'ok',
      'http.response.status_code': 200,
    });
    expect(named(spans, 'crm.getCustomers').attributes).toEqual(http('crm.getCustomers', 1));
    expect(named(spans, 'orders.ordersByCustomer').attributes).toEqual(http('orders.ordersByCustomer', 1));
    expect(named(spans, 'tickets.ticketsByCustomer').attributes).toEqual(http('tickets.ticketsByCustomer', 1));
    expect(named(spans, 'agents.getAgents').attributes).toEqual(http('agents.getAgents', agentsCall.query.ids!.split(',').length));
    expect(named(spans, 'risk.scoresByCustomer').attributes).toEqual({
      'tessera.connector': 'risk',
      'tessera.operation': 'scoresByCustomer',
      'tessera.batch.size': 1,
      'rpc.system': 'grpc',
      'rpc.method': '/tessera.risk.v1.RiskService/GetRiskScores',
      'server.address': '127.0.0.1',
      'server.port': Number(demo.upstreams.riskAddress.split(':')[1]),
      'tessera.retry.count': 0,
      'tessera.cache.hit': false,
      'tessera.outcome': 'ok',
    });

    // Every upstream call carries the caller's trace, with its own client span as the parent, and the caller's tracestate.
    const clientSpanOf = (name: string) => named(spans, name).spanContext().spanId;
    const CONNECTOR_SPAN = { crm: 'crm.getCustomers', orders: 'orders.ordersByCustomer', tickets: 'tickets.ticketsByCustomer', agents: 'agents.getAgents' } as const;
    for (const call of demo.upstreams.requests) {
      expect(call.headers.traceparent, call.service).toBe(`00-${CALLER_TRACE_ID}-${clientSpanOf(CONNECTOR_SPAN[call.service as keyof typeof CONNECTOR_SPAN])}-01`);
      expect(call.headers.tracestate, call.service).toBe('vendor=abc');
    }
    expect(demo.upstreams.riskCalls[0]!.metadata.traceparent).toBe(`00-${CALLER_TRACE_ID}-${clientSpanOf('risk.scoresByCustomer')}-01`);
    expect(demo.upstreams.riskCalls[0]!.metadata.tracestate).toBe('vendor=abc');
  });

  test.for(DOORS)('%s door: without a caller trace the request span is the root, and the upstreams get its trace', async (door) => {
    const { status } = await demo.queryVia(door, PANEL, { id: '52' });
    expect(status).toBe(200);
    const spans = await recorder.nthTrace(0);
    const request = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(request.parentSpanContext).toBeUndefined();
    expect(request.attributes['tessera.caller.id']).toBeUndefined();
    const traceId = request.spanContext().traceId;
    expect(spans).toHaveLength(10);
    const clientSpanIds = new Set(spans.filter((s) => s.kind === SpanKind.CLIENT).map((s) => s.spanContext().spanId));
    const sent = [...demo.upstreams.requests.map((r) => r.headers.traceparent), demo.upstreams.riskCalls[0]!.metadata.traceparent];
    expect(sent).toHaveLength(5);
    for (const traceparent of sent) {
      const [, id, parent, flags] = traceparent!.split('-');
      expect([id, clientSpanIds.has(parent!), flags]).toEqual([traceId, true, '01']);
    }
    expect(demo.upstreams.requests.every((r) => r.headers.tracestate === undefined)).toBe(true);
  });

  test.for(DOORS)('%s door: an entity the upstream does not have: its call is ok, the request span records the error', async (door) => {
    const { body } = await demo.queryVia(door, 'query Missing { customer(id: "99999") { id name } }', undefined, callerHeaders('01'));
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_ENTITY_NOT_FOUND']);
    const spans = await recorder.trace(CALLER_TRACE_ID);
    expect(named(spans, 'crm.getCustomers').attributes['tessera.outcome']).toBe('ok');
    const request = named(spans, 'query Missing');
    expect(request.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UPSTREAM_ENTITY_NOT_FOUND' });
    expect(request.attributes).toMatchObject({ 'tessera.graphql.error_count': 1, 'tessera.graphql.error_codes': ['UPSTREAM_ENTITY_NOT_FOUND'], 'http.response.status_code': 200 });
  });

  test('the second identical request finds its plan in the cache, and its plan span says so', async () => {
    const query = 'query Twice { customer(id: "7") { id name } }';
    await demo.query(query);
    await demo.query(query);
    const [first, second] = [await recorder.nthTrace(0), await recorder.nthTrace(1)];
    expect([named(first, 'plan').attributes['tessera.plan.cache_hit'], named(second, 'plan').attributes['tessera.plan.cache_hit']]).toEqual([false, true]);
  });

  test('a request refused before the executor still has its span, named after the route', async () => {
    const response = await fetch(`${demo.url}/graphql`, { method: 'POST', headers: { ...callerHeaders('01'), 'x-tessera-timeout-ms': 'soon' }, body: '{}' });
    expect(response.status).toBe(400);
    const spans = await recorder.trace(CALLER_TRACE_ID);
    expect(spans.map((s) => [s.name, s.attributes['http.response.status_code'], s.status.code])).toEqual([['POST /graphql', 400, SpanStatusCode.UNSET]]);
  });
});

describe('sampling: parent-based, with sampleRatio for new traces', () => {
  const recorder = new SpanRecorder();
  let demo: TestDemo;
  beforeAll(async () => {
    demo = await startDemo({ tracing: { enabled: true, exporter: recorder, sampleRatio: 0 } });
  });
  afterAll(() => demo.close());
  beforeEach(() => {
    recorder.reset();
    demo.upstreams.resetRequests();
  });

  test.for(DOORS)('%s door: ratio 0 records no new trace, a caller\'s sampled trace is recorded whole', async (door) => {
    await demo.queryVia(door, PANEL, { id: '52' });
    const unsampled = demo.upstreams.requests.map((r) => r.headers.traceparent);
    await demo.queryVia(door, PANEL, { id: '52' }, callerHeaders('01'));
    const spans = await recorder.trace(CALLER_TRACE_ID);
    // The server span of the sampled request ends after everything of the first request has ended.
    expect(recorder.getFinishedSpans()).toHaveLength(spans.length);
    expect(spans).toHaveLength(10);
    // Not recorded, but the upstream still learns the trace and that it is not sampled.
    expect(unsampled).toHaveLength(4);
    for (const traceparent of unsampled) expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  test.for(DOORS)('%s door: a caller\'s trace marked not sampled records nothing and goes on not sampled', async (door) => {
    await demo.queryVia(door, PANEL, { id: '52' }, callerHeaders('00'));
    await demo.queryVia(door, PANEL, { id: '52' }, { traceparent: `00-${'1'.repeat(32)}-${CALLER_SPAN_ID}-01` });
    await recorder.trace('1'.repeat(32));
    expect(recorder.getFinishedSpans().filter((s) => s.spanContext().traceId === CALLER_TRACE_ID)).toEqual([]);
    const first = demo.upstreams.requests.filter((r) => r.headers.traceparent!.includes(CALLER_TRACE_ID));
    expect(first).toHaveLength(4);
    for (const call of first) expect(call.headers.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE_ID}-[0-9a-f]{16}-00$`));
    expect(first.every((c) => c.headers.tracestate === 'vendor=abc')).toBe(true);
  });
});

describe('tracing off (the default)', () => {
  let demo: TestDemo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(() => demo.close());

  test.for(DOORS)('%s door: no trace context is sent upstream, and a caller\'s is not passed on', async (door) => {
    demo.upstreams.resetRequests();
    const { status } = await demo.queryVia(door, PANEL, { id: '52' }, callerHeaders('01'));
    expect(status).toBe(200);
    expect(demo.upstreams.requests).toHaveLength(4);
    expect(demo.upstreams.requests.map((r) => [r.headers.traceparent, r.headers.tracestate])).toEqual(demo.upstreams.requests.map(() => [undefined, undefined]));
    expect(demo.upstreams.riskCalls.at(-1)!.metadata.traceparent).toBeUndefined();
  });
});
