import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, test } from 'vitest';
import { loadProtos } from '../../../src/transports/grpc/load-protos.ts';
import { compileRequestCoercion } from '../../../src/transports/grpc/coerce-request.ts';
import { compileResponseDecoder, formatTimestamp, installWellKnownConversions } from '../../../src/transports/grpc/decode-response.ts';
import { REPO_ROOT } from '../../support/gateway.ts';

const { root } = loadProtos([path.join(REPO_ROOT, 'test/fixtures/grpc/types.proto')], []);
installWellKnownConversions(root!);
const AllTypes = root!.lookupType('test.types.v1.AllTypes');
const coerce = compileRequestCoercion(AllTypes);
const decode = compileResponseDecoder(AllTypes);
/** What the upstream receives for a rendered request: coerced, encoded, decoded again by protobufjs (no conversions). */
const roundTrip = (value: Record<string, unknown>) => decode(AllTypes.encode(coerce(value)).finish());

describe('arguments into requests: each rule of the coercion table, accepted values', () => {
  test.for([
    { rule: 'int32 from a number', input: { i32: 7 }, field: 'i32', answer: 7 },
    { rule: 'int32 from a decimal string', input: { i32: '-12' }, field: 'i32', answer: -12 },
    { rule: 'uint32 up to 2^32-1', input: { u32: 4_294_967_295 }, field: 'u32', answer: 4_294_967_295 },
    { rule: 'int64 from a safe number', input: { i64: 42 }, field: 'i64', answer: '42' },
    { rule: 'int64 beyond 2^53 from a decimal string, exact', input: { i64: '9007199254740993' }, field: 'i64', answer: '9007199254740993' },
    { rule: 'int64 minimum', input: { i64: '-9223372036854775808' }, field: 'i64', answer: '-9223372036854775808' },
    { rule: 'uint64 maximum', input: { u64: '18446744073709551615' }, field: 'u64', answer: '18446744073709551615' },
    { rule: 'sint64 negative', input: { s64: '-5' }, field: 's64', answer: '-5' },
    { rule: 'fixed64', input: { f64: '7' }, field: 'f64', answer: '7' },
    { rule: 'double from a number', input: { dbl: 0.1 }, field: 'dbl', answer: 0.1 },
    { rule: 'double from numeric text', input: { dbl: '2.5' }, field: 'dbl', answer: 2.5 },
    { rule: 'bool', input: { flag: true }, field: 'flag', answer: true },
    { rule: 'bool from "false"', input: { flag: 'false' }, field: 'flag', answer: false },
    { rule: 'string from an ID number', input: { text: 12 }, field: 'text', answer: '12' },
    { rule: 'bytes from base64', input: { data: 'AQID' }, field: 'data', answer: 'AQID' },
    { rule: 'enum by name', input: { color: 'GREEN' }, field: 'color', answer: 'GREEN' },
    { rule: 'enum by number', input: { color: 1 }, field: 'color', answer: 'RED' },
    { rule: 'Timestamp from RFC 3339 with millis', input: { at: '2026-01-31T12:00:00.5Z' }, field: 'at', answer: '2026-01-31T12:00:00.500Z' },
    { rule: 'Timestamp with an offset, nanos kept', input: { at: '2026-01-31T14:00:00.123456789+02:00' }, field: 'at', answer: '2026-01-31T12:00:00.123456789Z' },
    { rule: 'Timestamp from { seconds, nanos }', input: { at: { seconds: '0', nanos: 0 } }, field: 'at', answer: '1970-01-01T00:00:00Z' },
    { rule: 'optional set to its default keeps presence', input: { maybe: 0 }, field: 'maybe', answer: 0 },
    { rule: 'null means unset (optional → absent)', input: { maybe: null }, field: 'maybe', answer: undefined },
    { rule: 'repeated from a list', input: { tags: ['a', 'b'] }, field: 'tags', answer: ['a', 'b'] },
    { rule: 'nested message from an object', input: { inner: { name: 'x' } }, field: 'inner', answer: { name: 'x' } },
    { rule: 'map from a mapping, its int64 values exact', input: { counts: { a: '9007199254740993', b: 2 } }, field: 'counts', answer: { a: '9007199254740993', b: '2' } },
    { rule: 'float from a number', input: { flt: 1.5 }, field: 'flt', answer: 1.5 },
  ])('$rule', ({ input, field, answer }) => {
    expect(roundTrip(input)[field]).toEqual(answer);
  });
});

describe('arguments into requests: refused values name the field, what was expected and what came', () => {
  test.for([
    { input: { i64: 'abc' }, message: 'AllTypes.i64: expected an integer from -9223372036854775808 to 9223372036854775807 as a number or a decimal string (int64); got "abc"' },
    { input: { i64: 2 ** 53 + 2 }, message: 'AllTypes.i64: expected an integer from -9223372036854775808 to 9223372036854775807 as a number or a decimal string (int64); got 9007199254740994' },
    { input: { u64: '-1' }, message: 'AllTypes.u64: expected an integer from 0 to 18446744073709551615 as a number or a decimal string (uint64); got "-1"' },
    { input: { i64: '9223372036854775808' }, message: 'AllTypes.i64: expected an integer from -9223372036854775808 to 9223372036854775807 as a number or a decimal string (int64); got "9223372036854775808"' },
    { input: { i32: 2 ** 31 }, message: 'AllTypes.i32: expected an integer from -2147483648 to 2147483647 (int32); got 2147483648' },
    { input: { i32: 1.5 }, message: 'AllTypes.i32: expected an integer from -2147483648 to 2147483647 (int32); got 1.5' },
    { input: { flag: 'yes' }, message: 'AllTypes.flag: expected true or false (bool); got "yes"' },
    { input: { data: 'not base64!' }, message: 'AllTypes.data: expected base64 text (bytes); got "not base64!"' },
    { input: { color: 'BLUE' }, message: 'AllTypes.color: expected one of COLOR_UNSPECIFIED, RED, GREEN (enum Color); got "BLUE"' },
    { input: { at: '31/01/2026' }, message: 'AllTypes.at: expected an RFC 3339 timestamp such as "2026-01-31T12:00:00Z" (google.protobuf.Timestamp); got "31/01/2026"' },
    { input: { tags: 'a' }, message: 'AllTypes.tags: expected a list (repeated string); got "a"' },
    { input: { inner: { nam: 'x' } }, message: 'AllTypes.inner.nam: expected a field of Inner (name); got "x"' },
    { input: { counts: ['a'] }, message: 'AllTypes.counts: expected a map<string, int64> object; got a list' },
    { input: { counts: { a: 'x' } }, message: 'AllTypes.counts[a]: expected an integer from -9223372036854775808 to 9223372036854775807 as a number or a decimal string (int64); got "x"' },
  ])('$message', ({ input, message }) => {
    expect(() => coerce(input)).toThrow(message);
  });
});

describe('answers into fields: unset values', () => {
  test('an empty answer: proto3 defaults for plain scalars, null (absent) for optional, message and Timestamp fields, [] for repeated', () => {
    expect(decode(new Uint8Array())).toEqual({
      i32: 0,
      i64: '0',
      u64: '0',
      s64: '0',
      f64: '0',
      dbl: 0,
      flt: 0,
      flag: false,
      text: '',
      data: '',
      color: 'COLOR_UNSPECIFIED',
      at: null,
      tags: [],
      inner: null,
      u32: 0,
      counts: {},
    });
  });

  test('an enum number the proto does not name arrives as that number', () => {
    const bytes = protobuf.Writer.create().uint32((11 << 3) | 0).int32(7).finish();
    expect(decode(bytes).color).toBe(7);
  });

  test.for([
    { seconds: 0, nanos: 0, text: '1970-01-01T00:00:00Z' },
    { seconds: 1_769_860_800, nanos: 1_000_000, text: '2026-01-31T12:00:00.001Z' },
    { seconds: 1_769_860_800, nanos: 1_000, text: '2026-01-31T12:00:00.000001Z' },
    { seconds: 1_769_860_800, nanos: 1, text: '2026-01-31T12:00:00.000000001Z' },
    { seconds: 951_782_400, nanos: 0, text: '2000-02-29T00:00:00Z' },
    { seconds: 253_402_300_799, nanos: 999_999_999, text: '9999-12-31T23:59:59.999999999Z' },
    { seconds: -62_135_596_800, nanos: 0, text: '0001-01-01T00:00:00Z' },
    { seconds: -1, nanos: 0, text: '1969-12-31T23:59:59Z' },
  ])('Timestamp $seconds s + $nanos ns → $text', ({ seconds, nanos, text }) => {
    expect(formatTimestamp({ seconds, nanos })).toBe(text);
  });

  test('Timestamp text agrees with Date#toISOString on a day every 9 days over 1900-2100', () => {
    const mismatches: string[] = [];
    for (let s = -2_208_988_800; s < 4_102_444_800; s += 9 * 86_400 + 3_661) {
      const expected = new Date(s * 1000).toISOString().replace('.000Z', 'Z');
      if (formatTimestamp({ seconds: s, nanos: 0 }) !== expected) mismatches.push(expected);
    }
    expect(mismatches).toEqual([]);
  });
});
