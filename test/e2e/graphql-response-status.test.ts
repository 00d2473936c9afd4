import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/upstreams.ts';
import { REPO_ROOT, startGateway, type TestGateway } from '../support/gateway.ts';

/**
 * GraphQL-over-HTTP: under `application/graphql-response+json` a response without `data` (the
 * request itself failed) is a 4xx; under `application/json` it stays 200, as the fast path answers.
 */
let upstreams: DemoUpstreams;
let gateway: TestGateway;
beforeAll(async () => {
  upstreams = await startDemoUpstreams();
  gateway = await startGateway({ configDir: REPO_ROOT, env: upstreams.env });
});
afterAll(async () => {
  await gateway?.close();
  await upstreams?.close();
});

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const BY_ID = 'query ($id: ID!) { customer(id: $id) { id } }';

describe('status of request errors by accepted media type', () => {
  test.for([
    { name: 'a variable of the wrong type', accept: GRAPHQL_RESPONSE, body: { query: BY_ID, variables: { id: { not: 'an id' } } }, status: 400, code: 'REQUEST_INVALID_VARIABLES' },
    { name: 'a required variable missing', accept: GRAPHQL_RESPONSE, body: { query: BY_ID }, status: 400, code: 'REQUEST_INVALID_VARIABLES' },
    { name: 'an unknown operation name', accept: GRAPHQL_RESPONSE, body: { query: 'query A { agent(id: "a1") { id } }', operationName: 'Nope' }, status: 400, code: 'REQUEST_UNKNOWN_OPERATION' },
    { name: 'a variable of the wrong type, plain JSON', accept: 'application/json', body: { query: BY_ID, variables: { id: { not: 'an id' } } }, status: 200, code: 'REQUEST_INVALID_VARIABLES' },
    { name: 'an unknown entity (data, with a field error)', accept: GRAPHQL_RESPONSE, body: { query: BY_ID, variables: { id: '0' } }, status: 200, code: 'UPSTREAM_ENTITY_NOT_FOUND' },
  ])('$name → $status', async ({ accept, body, status, code }) => {
    const response = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) });
    const result = (await response.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[] };
    expect(response.status).toBe(status);
    expect(result.errors[0]!.extensions.code).toBe(code);
    expect(result.errors[0]!.extensions).not.toHaveProperty('http');
    if (status === 200 && code !== 'UPSTREAM_ENTITY_NOT_FOUND') expect(result).not.toHaveProperty('data');
  });
});
