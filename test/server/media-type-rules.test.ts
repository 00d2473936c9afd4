import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/upstreams.ts';
import { REPO_ROOT, startGateway, type TestGateway } from '../support/gateway.ts';

/**
 * The media-type rules of /graphql hold before the fork, so both doors answer alike: a POST that
 * names no Content-Type, or one yoga does not read, is a 415 whatever its body (one the fast path
 * would serve, one only yoga would); a browser GET outside dev mode is a 406 that says how to get
 * GraphiQL. Only JSON bodies are read (no form, multipart or text/plain: no preflight-free cross-site POST).
 */
let upstreams: DemoUpstreams;
let prod: TestGateway;
beforeAll(async () => {
  upstreams = await startDemoUpstreams();
  prod = await startGateway({ configDir: REPO_ROOT, env: upstreams.env, dev: false });
});
afterAll(async () => {
  await prod?.close();
  await upstreams?.close();
});

const QUERY = '{ agent(id: "a1") { id } }';
const FAST_BODY = JSON.stringify({ query: QUERY }); // the fast path would take it as JSON
const YOGA_BODY = JSON.stringify({ query: QUERY, extensions: {} }); // only yoga would
const OTHERS = 'application/graphql-response+json';
const noContentType = {
  errors: [{ message: 'A POST to /graphql needs a Content-Type header: send the request as JSON with Content-Type: application/json.', extensions: { code: 'REQUEST_UNSUPPORTED_MEDIA_TYPE' } }],
};
const unsupported = (type: string) => ({
  errors: [{ message: `Content-Type "${type}" is not supported: send the request as JSON with Content-Type: application/json (also accepted: ${OTHERS}).`, extensions: { code: 'REQUEST_UNSUPPORTED_MEDIA_TYPE' } }],
});
const graphiqlOff = {
  errors: [
    {
      message:
        'GraphiQL is served only in dev mode: start the gateway with TESSERA_DEV=1 (tessera serve) or run tessera demo. Clients get JSON with Accept: application/json or application/graphql-response+json.',
      extensions: { code: 'REQUEST_GRAPHIQL_DISABLED' },
    },
  ],
};

interface Init {
  method: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  query?: string;
}

/** Sends raw bytes, so that no Content-Type is added by the client. */
async function send(init: Init): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const response = await fetch(`${prod.url}/graphql${init.query ?? ''}`, {
    method: init.method,
    headers: init.headers ?? {},
    body: typeof init.body === 'string' ? new TextEncoder().encode(init.body) : init.body,
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: text === '' ? '' : (JSON.parse(text) as unknown) };
}

describe('refused before either door', () => {
  test.for<{ name: string; headers: Record<string, string>; body: string; status: number; expected: unknown }>([
    { name: 'POST without Content-Type, a fast-path body', headers: {}, body: FAST_BODY, status: 415, expected: noContentType },
    { name: 'POST without Content-Type, a yoga body', headers: {}, body: YOGA_BODY, status: 415, expected: noContentType },
    { name: 'POST with an empty Content-Type', headers: { 'content-type': ' ' }, body: FAST_BODY, status: 415, expected: noContentType },
    { name: 'POST text/plain, a fast-path body', headers: { 'content-type': 'text/plain' }, body: FAST_BODY, status: 415, expected: unsupported('text/plain') },
    { name: 'POST text/plain, a yoga body', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: YOGA_BODY, status: 415, expected: unsupported('text/plain') },
    { name: 'POST application/xml with parameters', headers: { 'content-type': 'Application/XML; charset=utf-8' }, body: '<query/>', status: 415, expected: unsupported('application/xml') },
    // Bodies a browser sends cross-site without a preflight, and yoga's other readers: JSON only.
    { name: 'POST a form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent(QUERY)}`, status: 415, expected: unsupported('application/x-www-form-urlencoded') },
    { name: 'POST multipart', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ __typename }\r\n--x--\r\n', status: 415, expected: unsupported('multipart/form-data') },
    { name: 'POST application/graphql', headers: { 'content-type': 'application/graphql' }, body: QUERY, status: 415, expected: unsupported('application/graphql') },
    { name: 'POST application/graphql+json', headers: { 'content-type': 'application/graphql+json' }, body: FAST_BODY, status: 415, expected: unsupported('application/graphql+json') },
  ])('$name: $status', async ({ headers, body, status, expected }) => {
    expect(await send({ method: 'POST', headers, body })).toEqual({ status, contentType: 'application/json; charset=utf-8', body: expected });
  });

  test.for([
    { name: 'Accept: text/html', accept: 'text/html' },
    { name: "a browser's Accept", accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
  ])('GET with $name outside dev mode: 406 saying how to get GraphiQL', async ({ accept }) => {
    expect(await send({ method: 'GET', headers: { accept } })).toEqual({ status: 406, contentType: 'application/json; charset=utf-8', body: graphiqlOff });
  });
});

describe('JSON POSTs and GETs are served', () => {
  const data = { data: { agent: { id: 'a1' } } };
  test.for<{ name: string; init: Init }>([
    { name: 'application/json (fast path)', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: FAST_BODY } },
    { name: 'application/json (yoga)', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: YOGA_BODY } },
    { name: 'application/json; charset=utf-8', init: { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: FAST_BODY } },
    { name: 'application/graphql-response+json (fast path)', init: { method: 'POST', headers: { 'content-type': 'application/graphql-response+json' }, body: FAST_BODY } },
    { name: 'application/graphql-response+json (yoga)', init: { method: 'POST', headers: { 'content-type': 'application/graphql-response+json; charset=utf-8' }, body: YOGA_BODY } },
    { name: 'Accept: application/graphql-response+json', init: { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: FAST_BODY } },
    { name: 'GET with Accept: application/json', init: { method: 'GET', headers: { accept: 'application/json' }, query: `?query=${encodeURIComponent(QUERY)}` } },
  ])('$name', async ({ init }) => {
    const result = await send(init);
    expect([result.status, result.body]).toEqual([200, data]);
  });
});
