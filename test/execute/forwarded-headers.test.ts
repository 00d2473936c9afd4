import { describe, expect, test } from 'vitest';
import { forwardedHeaders } from '../../src/execute/forwarded-headers.ts';

const FORWARD = [
  { from: 'authorization', to: 'authorization' },
  { from: 'x-tenant', to: 'x-tenant-id' },
  { from: 'set-cookie', to: 'x-cookies' },
];
const BASE = { 'x-request-id': 'r1' };

describe('forwardedHeaders', () => {
  test.for([
    { name: 'no caller headers (CLI, tests)', caller: undefined, expected: BASE },
    { name: 'declared ones only, renamed', caller: { authorization: 'Bearer a', 'x-tenant': 'acme', 'x-other': 'no' }, expected: { ...BASE, authorization: 'Bearer a', 'x-tenant-id': 'acme' } },
    { name: 'absent stays absent, empty stays empty', caller: { 'x-tenant': '' }, expected: { ...BASE, 'x-tenant-id': '' } },
    { name: 'a list value is joined', caller: { 'set-cookie': ['a=1', 'b=2'] }, expected: { ...BASE, 'x-cookies': 'a=1, b=2' } },
    { name: 'Connection: keep-alive changes nothing', caller: { connection: 'keep-alive', 'x-tenant': 'acme' }, expected: { ...BASE, 'x-tenant-id': 'acme' } },
    {
      name: 'a header the caller names in Connection is hop-by-hop and stays behind',
      caller: { connection: 'keep-alive, X-Tenant', 'x-tenant': 'acme', authorization: 'Bearer a' },
      expected: { ...BASE, authorization: 'Bearer a' },
    },
  ])('$name', ({ caller, expected }) => {
    expect(forwardedHeaders(BASE, caller, FORWARD)).toEqual(expected);
  });

  test('the request-wide headers are copied, never changed', () => {
    const base = { 'x-request-id': 'r1' };
    forwardedHeaders(base, { authorization: 'Bearer a' }, FORWARD);
    expect(base).toEqual({ 'x-request-id': 'r1' });
  });
});
