import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ErrorCodes } from '../../src/errors/codes.ts';
import { ConfigError, GatewayError, RequestError, UpstreamError } from '../../src/errors/gateway-error.ts';

// Codes are a contract (fastify's errors.test.js): the docs table and the catalogue must agree.
const documented = [...readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);

describe('error code catalogue', () => {
  test('every code in codes.ts is documented in docs/errors.md', () => {
    expect(Object.values(ErrorCodes).filter((c) => !documented.includes(c))).toEqual([]);
  });
  test('docs/errors.md documents no code that codes.ts lacks', () => {
    expect(documented.filter((c) => !(Object.values(ErrorCodes) as string[]).includes(c!))).toEqual([]);
  });
  test('each code maps to itself', () => {
    for (const [key, value] of Object.entries(ErrorCodes)) expect(value).toBe(key);
  });
});

describe('error classes', () => {
  test.for([
    { make: () => new UpstreamError(ErrorCodes.UPSTREAM_TIMEOUT, 'slow'), name: 'UpstreamError', status: 502, cls: UpstreamError },
    { make: () => new RequestError(ErrorCodes.REQUEST_INVALID, 'bad'), name: 'RequestError', status: 400, cls: RequestError },
    { make: () => new ConfigError(ErrorCodes.CONFIG_INVALID_VALUE, 'bad'), name: 'ConfigError', status: 500, cls: ConfigError },
  ])('$name has its name, code, status and brand', ({ make, name, status, cls }) => {
    const error = make();
    expect(error.name).toBe(name);
    expect(error.httpStatus).toBe(status);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toBeInstanceOf(cls);
  });
  test('subclass checks stay exact: a RequestError is not an UpstreamError', () => {
    expect(new RequestError(ErrorCodes.REQUEST_INVALID, 'x')).not.toBeInstanceOf(UpstreamError);
  });
  test('the brand check recognises an error from another copy of the module', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('tessera.error')]: true });
    expect(foreign).toBeInstanceOf(GatewayError);
    expect(new Error('plain')).not.toBeInstanceOf(GatewayError);
  });
});
