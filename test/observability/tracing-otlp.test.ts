import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startGateway, writeConfigDir } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

const SCHEMA = 'type Query { rates: [Rate] @source(connector: "rates", operation: "allRates") } type Rate { id: ID! }';
const RATES_YAML = 'baseUrl: ${RATES_URL}\noperations:\n  allRates:\n    path: /rates\n    result: items\n';

let rates: FakeUpstream;
let collector: FakeUpstream;
let config: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  rates = await startFakeUpstream((_call, res) => json(res, 200, { items: [{ id: 'r1' }] }));
  // A real HTTP server standing in for an OpenTelemetry Collector's OTLP/HTTP receiver.
  collector = await startFakeUpstream((_call, res) => json(res, 200, {}));
  config = await writeConfigDir({ schemas: { 's.graphql': SCHEMA }, connectors: { 'rates.yaml': RATES_YAML } });
  await writeFile(
    path.join(config.dir, 'gateway.yaml'),
    ['tracing:', '  enabled: true', '  endpoint: ${COLLECTOR_URL}/v1/traces', '  headers: { authorization: "Bearer ${COLLECTOR_TOKEN}" }', '  serviceName: tessera-eu', ''].join('\n'),
  );
});

afterAll(async () => {
  await rates.close();
  await collector.close();
  await config.remove();
});

interface OtlpBody {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string; traceId: string; kind: number }[] }[] }[];
}

test('gateway.yaml points the OTLP exporter at a collector: spans arrive there as OTLP/HTTP JSON, with the headers and service name set', async () => {
  const gw = await startGateway({ configDir: config.dir, env: { RATES_URL: rates.url, COLLECTOR_URL: collector.url, COLLECTOR_TOKEN: 's3cret' } });
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const { status } = await gw.query('query Rates { rates { id } }', undefined, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
  expect(status).toBe(200);
  expect(gw.logs.filter((l) => l.msg === 'tracing on').map(({ exporter, endpoint, serviceName, sampleRatio }) => ({ exporter, endpoint, serviceName, sampleRatio }))).toEqual([
    { exporter: 'otlp', endpoint: `${collector.url}/v1/traces`, serviceName: 'tessera-eu', sampleRatio: 1 },
  ]);
  expect(JSON.stringify(gw.logs)).not.toContain('s3cret');
  // Spans are batched in the background; closing the gateway sends what is buffered.
  await gw.close();
  expect(collector.calls.map((c) => [c.method, c.url.pathname, c.headers['content-type'], c.headers.authorization])).toEqual([['POST', '/v1/traces', 'application/json', 'Bearer s3cret']]);
  const body = JSON.parse(collector.calls[0]!.body) as OtlpBody;
  const resource = body.resourceSpans[0]!.resource.attributes.find((a) => a.key === 'service.name');
  expect(resource?.value.stringValue).toBe('tessera-eu');
  const spans = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  expect(spans.map((s) => s.name).sort()).toEqual(['plan', 'query Rates', 'rates.allRates', 'shape', 'stage 1']);
  expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
});
