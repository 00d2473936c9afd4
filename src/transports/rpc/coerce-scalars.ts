import { RequestValueError } from './request-value-error.ts';

/**
 * The scalar rules every RPC transport shares (docs/config.md, "gRPC type coercion" and "Thrift
 * type coercion"): what a value from an argument or a parent field may be to fill an integer,
 * 64-bit, floating, boolean, text or bytes field. Each protocol maps the result to what its
 * encoder takes.
 */

/** Turns a rendered value into what an encoder takes for one field type; throws RequestValueError. */
export type Coerce = (value: unknown, at: string) => unknown;

export interface IntRange {
  min: number;
  max: number;
}
export interface BigIntRange {
  min: bigint;
  max: bigint;
}

export const INT8: IntRange = { min: -128, max: 127 };
export const INT16: IntRange = { min: -32_768, max: 32_767 };
export const INT32: IntRange = { min: -2_147_483_648, max: 2_147_483_647 };
export const UINT32: IntRange = { min: 0, max: 4_294_967_295 };
export const INT64: BigIntRange = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
export const UINT64: BigIntRange = { min: 0n, max: 2n ** 64n - 1n };

const DECIMAL = /^-?\d+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** An integer in range, or its decimal text (`"12"`). */
export function integerCoercion(type: string, range: IntRange): Coerce {
  return (value, at) => {
    const n = typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n) && n >= range.min && n <= range.max) return n;
    throw new RequestValueError(at, `an integer from ${range.min} to ${range.max} (${type})`, value);
  };
}

/**
 * A 64-bit integer as a bigint: a safe integer, or decimal text of any value in range, so no
 * value beyond 2^53 is rounded on the way in (a number past 2^53 was already rounded: refused).
 */
export function int64Coercion(type: string, range: BigIntRange): (value: unknown, at: string) => bigint {
  return (value, at) => {
    let n: bigint | undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
    else if (typeof value === 'string' && DECIMAL.test(value)) n = BigInt(value);
    else if (typeof value === 'bigint') n = value;
    if (n !== undefined && n >= range.min && n <= range.max) return n;
    throw new RequestValueError(at, `an integer from ${range.min} to ${range.max} as a number or a decimal string (${type})`, value);
  };
}

/** A number, or numeric text. */
export function floatCoercion(type: string): Coerce {
  return (value, at) => {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    throw new RequestValueError(at, `a number (${type})`, value);
  };
}

/** `true`/`false`, or that text. */
export const boolCoercion: Coerce = (value, at) => {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new RequestValueError(at, 'true or false (bool)', value);
};

/** Text; numbers and booleans as their text (so an `ID` works). */
export const stringCoercion: Coerce = (value, at) => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new RequestValueError(at, 'a string', value);
};

/** Bytes from base64 text (the only way bytes reach a request from GraphQL). */
export function base64Coercion(type: string): Coerce {
  return (value, at) => {
    if (typeof value === 'string' && BASE64.test(value)) return Buffer.from(value, 'base64');
    if (value instanceof Uint8Array) return value;
    throw new RequestValueError(at, `base64 text (${type})`, value);
  };
}
