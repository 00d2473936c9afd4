import protobuf from 'protobufjs';
import { RequestValueError } from '../rpc/request-value-error.ts';
import { base64Coercion, boolCoercion, floatCoercion, int64Coercion, integerCoercion, stringCoercion, INT32, INT64, UINT32, UINT64, type BigIntRange, type Coerce } from '../rpc/coerce-scalars.ts';

const DECIMAL = /^-?\d+$/;
/** RFC 3339 with a `Z` or numeric offset, fractional seconds up to nanoseconds. */
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Compiles, once per message type, the function that checks a rendered request (arguments and
 * parent fields, as GraphQL gives them) against the message and converts each value to what the
 * protobuf encoder takes; docs/config.md ("gRPC type coercion") has the table. Unknown fields
 * are refused, null and undefined mean "unset".
 */
export function compileRequestCoercion(type: protobuf.Type): (value: unknown) => Record<string, unknown> {
  const cache = new Map<protobuf.Type, (value: unknown, at: string) => Record<string, unknown>>();
  const coerce = messageCoercion(type, cache);
  return (value) => coerce(value, type.name);
}

function messageCoercion(type: protobuf.Type, cache: Map<protobuf.Type, (value: unknown, at: string) => Record<string, unknown>>): (value: unknown, at: string) => Record<string, unknown> {
  const known = cache.get(type);
  if (known) return known;
  const fields = new Map<string, Coerce>();
  // Registered before the fields are compiled, so a recursive message refers to itself.
  const coerce = (value: unknown, at: string): Record<string, unknown> => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RequestValueError(at, `a ${type.name} object`, value);
    const out: Record<string, unknown> = {};
    for (const name in value) {
      const field = fields.get(name);
      if (!field) throw new RequestValueError(`${at}.${name}`, `a field of ${type.name} (${[...fields.keys()].join(', ')})`, (value as Record<string, unknown>)[name]);
      const v = (value as Record<string, unknown>)[name];
      if (v !== null && v !== undefined) out[name] = field(v, `${at}.${name}`);
    }
    return out;
  };
  cache.set(type, coerce);
  for (const field of type.fieldsArray) fields.set(field.name, fieldCoercion(field.resolve(), cache));
  return coerce;
}

function fieldCoercion(field: protobuf.Field, cache: Map<protobuf.Type, (value: unknown, at: string) => Record<string, unknown>>): Coerce {
  const one = valueCoercion(field.type, field.resolvedType, cache);
  if (field instanceof protobuf.MapField) {
    const key = valueCoercion(field.keyType, null, cache);
    return (value, at) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RequestValueError(at, `a map<${field.keyType}, ${field.type}> object`, value);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[String(key(k, `${at}[${k}]`))] = one(v, `${at}[${k}]`);
      return out;
    };
  }
  if (!field.repeated) return one;
  return (value, at) => {
    if (!Array.isArray(value)) throw new RequestValueError(at, `a list (repeated ${field.type})`, value);
    return value.map((item, i) => one(item, `${at}[${i}]`));
  };
}

function valueCoercion(type: string, resolved: protobuf.Type | protobuf.Enum | null, cache: Map<protobuf.Type, (value: unknown, at: string) => Record<string, unknown>>): Coerce {
  if (resolved instanceof protobuf.Enum) return enumCoercion(resolved);
  if (resolved instanceof protobuf.Type) {
    if (resolved.fullName === '.google.protobuf.Timestamp') return timestampCoercion;
    return messageCoercion(resolved, cache);
  }
  switch (type) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return integerCoercion(type, INT32);
    case 'uint32':
    case 'fixed32':
      return integerCoercion(type, UINT32);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return decimalInt64(type, INT64);
    case 'uint64':
    case 'fixed64':
      return decimalInt64(type, UINT64);
    case 'double':
    case 'float':
      return floatCoercion(type);
    case 'bool':
      return boolCoercion;
    case 'string':
      return stringCoercion;
    case 'bytes':
      return base64Coercion('bytes');
    default:
      throw new Error(`Tessera invariant failed: unknown protobuf scalar type "${type}"`);
  }
}

/** protobufjs takes 64-bit integers as decimal strings, so no value beyond 2^53 is rounded on the way in. */
function decimalInt64(type: string, range: BigIntRange): Coerce {
  const coerce = int64Coercion(type, range);
  return (value, at) => coerce(value, at).toString();
}

function enumCoercion(type: protobuf.Enum): Coerce {
  const names = Object.keys(type.values);
  const ids = new Set(Object.values(type.values));
  return (value, at) => {
    if (typeof value === 'string' && Object.hasOwn(type.values, value)) return type.values[value];
    if (typeof value === 'number' && ids.has(value)) return value;
    throw new RequestValueError(at, `one of ${names.join(', ')} (enum ${type.name})`, value);
  };
}

/** google.protobuf.Timestamp from RFC 3339 text (`2026-12-02T18:15:28.5Z`), or a `{ seconds, nanos }` object. */
function timestampCoercion(value: unknown, at: string): unknown {
  if (typeof value === 'string') {
    const match = RFC3339.exec(value);
    const ms = match ? Date.parse(`${match[1]}${match[3]}`) : NaN;
    if (match && !Number.isNaN(ms)) return { seconds: String(Math.floor(ms / 1000)), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    if ((typeof seconds === 'string' || typeof seconds === 'number') && DECIMAL.test(String(seconds)) && (nanos === undefined || (Number.isInteger(nanos) && (nanos as number) >= 0 && (nanos as number) < 1e9))) {
      return { seconds: String(seconds), nanos: nanos ?? 0 };
    }
  }
  throw new RequestValueError(at, 'an RFC 3339 timestamp such as "2026-01-31T12:00:00Z" (google.protobuf.Timestamp)', value);
}
