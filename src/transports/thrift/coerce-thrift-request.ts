import { RequestValueError } from '../rpc/request-value-error.ts';
import { base64Coercion, boolCoercion, floatCoercion, int64Coercion, integerCoercion, stringCoercion, INT16, INT32, INT64, INT8, type Coerce } from '../rpc/coerce-scalars.ts';
import { typeLabel, type ThriftField, type ThriftStruct, type ThriftType } from './thrift-idl.ts';

/**
 * A request value checked against its Thrift type and put in the form the writer takes
 * (thrift-codec.ts): i64 as a bigint, binary as a Buffer, enums as their number, a struct as its
 * set fields in IDL order, a set without duplicates, a map as its entries with typed keys.
 */
export type WireValue = boolean | number | bigint | string | Buffer | WireStruct | WireValue[] | WireMap;
export interface WireStruct {
  struct: ThriftStruct;
  fields: [ThriftField, WireValue][];
}
export interface WireMap {
  entries: [WireValue, WireValue][];
}

/** undefined: the value leaves its field unset (a mapping whose every value is null). */
type StructCoerce = (value: unknown, at: string) => WireStruct | undefined;

/**
 * Compiles, once per struct (an argument list is one too), the check that turns a rendered
 * request (arguments and parent fields, as GraphQL gives them) into wire values; docs/config.md
 * ("Thrift type coercion") has the table. Unknown fields are refused; null and undefined leave a
 * field unset, which a `required` field refuses.
 */
export function compileThriftCoercion(struct: ThriftStruct): (value: unknown) => WireStruct {
  const coerce = structCoercion(struct, new Map());
  // The argument list itself is always sent, however few of its fields are set.
  return (value) => coerce(value ?? {}, struct.name) ?? { struct, fields: [] };
}

function structCoercion(struct: ThriftStruct, cache: Map<ThriftStruct, StructCoerce>): StructCoerce {
  const known = cache.get(struct);
  if (known) return known;
  const fields = new Map<string, { field: ThriftField; coerce: Coerce }>();
  const required = struct.fields.filter((f) => f.requiredness === 'required');
  const coerce: StructCoerce = (value, at) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RequestValueError(at, `a ${struct.name} object`, value);
    const set = new Map<ThriftField, WireValue>();
    for (const name in value) {
      const entry = fields.get(name);
      if (!entry) throw new RequestValueError(`${at}.${name}`, `a field of ${struct.name} (${[...fields.keys()].join(', ')})`, (value as Record<string, unknown>)[name]);
      const v = (value as Record<string, unknown>)[name];
      if (v === null || v === undefined) continue;
      const coerced = entry.coerce(v, `${at}.${name}`);
      if (coerced !== undefined) set.set(entry.field, coerced as WireValue);
    }
    // A mapping whose templates all came out null (`price: { micros: "{micros}" }` without micros) is no struct at all.
    if (set.size === 0 && Object.keys(value).length > 0) return undefined;
    for (const field of required) if (!set.has(field)) throw new RequestValueError(`${at}.${field.name}`, `a value (${field.name} is required)`, undefined);
    if (struct.kind === 'union' && set.size !== 1) throw new RequestValueError(at, `exactly one field of the union ${struct.name}`, value);
    // IDL order, so one message always encodes to the same bytes (the response cache keys on them).
    return { struct, fields: struct.fields.filter((f) => set.has(f)).map((f) => [f, set.get(f)!]) };
  };
  // Registered before the fields are compiled, so a recursive struct refers to itself.
  cache.set(struct, coerce);
  for (const field of struct.fields) fields.set(field.name, { field, coerce: valueCoercion(field.type, cache) });
  return coerce;
}

function valueCoercion(type: ThriftType, cache: Map<ThriftStruct, StructCoerce>): Coerce {
  switch (type.kind) {
    case 'bool':
      return boolCoercion;
    case 'byte':
      return integerCoercion('byte', INT8);
    case 'i16':
      return integerCoercion('i16', INT16);
    case 'i32':
      return integerCoercion('i32', INT32);
    case 'i64':
      return int64Coercion('i64', INT64);
    case 'double':
      return floatCoercion('double');
    case 'string':
      return stringCoercion;
    case 'binary':
      return base64Coercion('binary');
    case 'enum': {
      const { def } = type;
      const numbers = new Set(def.values.values());
      return (value, at) => {
        if (typeof value === 'string' && def.values.has(value)) return def.values.get(value);
        if (typeof value === 'number' && numbers.has(value)) return value;
        throw new RequestValueError(at, `one of ${[...def.values.keys()].join(', ')} (enum ${def.name})`, value);
      };
    }
    case 'struct':
      return structCoercion(type.def, cache);
    case 'list':
    case 'set': {
      const item = valueCoercion(type.item, cache);
      const unique = type.kind === 'set';
      return (value, at) => {
        if (!Array.isArray(value)) throw new RequestValueError(at, `a list (${typeLabel(type)})`, value);
        const items = value.map((v, i) => {
          const coerced = v === null || v === undefined ? undefined : item(v, `${at}[${i}]`);
          if (coerced === undefined) throw new RequestValueError(`${at}[${i}]`, `a value (${typeLabel(type)} holds no null)`, v);
          return coerced as WireValue;
        });
        // A set holds each value once: equal scalars (a key asked twice) are sent once.
        return unique ? [...new Map(items.map((v) => [typeof v === 'object' ? v : `${typeof v}:${String(v)}`, v])).values()] : items;
      };
    }
    case 'map': {
      const key = valueCoercion(type.key, cache);
      const val = valueCoercion(type.value, cache);
      return (value, at): WireMap | undefined => {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RequestValueError(at, `a mapping (${typeLabel(type)})`, value);
        // Mapping keys are always text (GraphQL, YAML): the key's own rule reads them (`"7"` for an i32).
        // A Thrift map holds no null: such an entry is left out, and a map left with none is unset.
        const entries: [WireValue, WireValue][] = [];
        for (const [k, v] of Object.entries(value)) {
          const coerced = v === null || v === undefined ? undefined : val(v, `${at}[${k}]`);
          if (coerced !== undefined) entries.push([key(k, `${at}[${k}]`) as WireValue, coerced as WireValue]);
        }
        return entries.length === 0 && Object.keys(value).length > 0 ? undefined : { entries };
      };
    }
  }
}
