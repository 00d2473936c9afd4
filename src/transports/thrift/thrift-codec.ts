import thrift, { Thrift, type TProtocol } from 'thrift';
import type { ThriftField, ThriftFunction, ThriftStruct, ThriftType } from './thrift-idl.ts';
import type { WireMap, WireStruct, WireValue } from './coerce-thrift-request.ts';

const T = Thrift.Type;

/** The wire type of each IDL type: binary travels as a string, an enum as an i32. */
export function wireType(type: ThriftType): Thrift.Type {
  switch (type.kind) {
    case 'bool':
      return T.BOOL;
    case 'byte':
      return T.BYTE;
    case 'i16':
      return T.I16;
    case 'i32':
    case 'enum':
      return T.I32;
    case 'i64':
      return T.I64;
    case 'double':
      return T.DOUBLE;
    case 'string':
    case 'binary':
      return T.STRING;
    case 'struct':
      return T.STRUCT;
    case 'list':
      return T.LIST;
    case 'set':
      return T.SET;
    case 'map':
      return T.MAP;
  }
}

/** Writes a checked struct (coerce-thrift-request.ts) with the thrift package's protocol calls. */
export function writeStruct(out: TProtocol, value: WireStruct): void {
  out.writeStructBegin(value.struct.name);
  for (const [field, v] of value.fields) {
    out.writeFieldBegin(field.name, wireType(field.type), field.id);
    writeValue(out, field.type, v);
    out.writeFieldEnd();
  }
  out.writeFieldStop();
  out.writeStructEnd();
}

function writeValue(out: TProtocol, type: ThriftType, value: WireValue): void {
  switch (type.kind) {
    case 'bool':
      return out.writeBool(value as boolean);
    case 'byte':
      return out.writeByte(value as number);
    case 'i16':
      return out.writeI16(value as number);
    case 'i32':
    case 'enum':
      return out.writeI32(value as number);
    case 'i64':
      // Through a bigint, so a value past 2^53 is written exactly.
      return out.writeI64(thrift.fromBigInt(value as bigint));
    case 'double':
      return out.writeDouble(value as number);
    case 'string':
      return out.writeString(value as string);
    case 'binary':
      return out.writeBinary(value as Buffer);
    case 'struct':
      return writeStruct(out, value as WireStruct);
    case 'list':
    case 'set': {
      const items = value as WireValue[];
      if (type.kind === 'list') out.writeListBegin(wireType(type.item), items.length);
      else out.writeSetBegin(wireType(type.item), items.length);
      for (const item of items) writeValue(out, type.item, item);
      if (type.kind === 'list') out.writeListEnd();
      else out.writeSetEnd();
      return;
    }
    case 'map': {
      const { entries } = value as WireMap;
      out.writeMapBegin(wireType(type.key), wireType(type.value), entries.length);
      for (const [k, v] of entries) {
        writeValue(out, type.key, k);
        writeValue(out, type.value, v);
      }
      out.writeMapEnd();
    }
  }
}

/** An answer that is not what the IDL says it is (wrong wire type, missing required field, bad bytes). */
export class MalformedAnswer extends Error {}

/** A reply that carries one of the function's declared exceptions (`throws`). */
export class DeclaredException extends Error {
  readonly exception: string;
  readonly fields: Record<string, unknown>;
  constructor(exception: string, fields: Record<string, unknown>) {
    super(`the upstream threw ${exception}`);
    this.exception = exception;
    this.fields = fields;
  }
}

/**
 * Reads one value of `type` into plain data (docs/config.md, "Thrift type coercion"): i64 as
 * decimal text, always exact; enums by name (an unnamed number stays a number); binary as base64;
 * sets as lists; maps as objects keyed by the key's text. A field the IDL does not name is skipped.
 */
export function readValue(input: TProtocol, type: ThriftType): unknown {
  switch (type.kind) {
    case 'bool':
      return input.readBool();
    case 'byte':
      return input.readByte();
    case 'i16':
      return input.readI16();
    case 'i32':
      return input.readI32();
    case 'i64':
      return thrift.toBigInt(input.readI64()).toString();
    case 'double':
      return input.readDouble();
    case 'string':
      return input.readString();
    case 'binary':
      return input.readBinary().toString('base64');
    case 'enum': {
      const n = input.readI32();
      return type.def.names.get(n) ?? n;
    }
    case 'struct':
      return readStruct(input, type.def);
    case 'list':
    case 'set': {
      const { etype, size } = type.kind === 'list' ? input.readListBegin() : input.readSetBegin();
      expectWire(etype, type.item, size);
      const items: unknown[] = [];
      for (let i = 0; i < size; i++) items.push(readValue(input, type.item));
      if (type.kind === 'list') input.readListEnd();
      else input.readSetEnd();
      return items;
    }
    case 'map': {
      const { ktype, vtype, size } = input.readMapBegin();
      expectWire(ktype, type.key, size);
      expectWire(vtype, type.value, size);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < size; i++) {
        const key = readValue(input, type.key);
        out[typeof key === 'object' ? JSON.stringify(key) : String(key)] = readValue(input, type.value);
      }
      input.readMapEnd();
      return out;
    }
  }
}

/** An empty container may name any element type (some writers put 0 there); a non-empty one must match. */
function expectWire(actual: number, type: ThriftType, size: number): void {
  if (size > 0 && !sameWire(actual, wireType(type))) throw new MalformedAnswer(`expected elements of wire type ${wireType(type)}; got ${actual}`);
}

/** Some writers mark a binary or string element as UTF8/UTF7 (the same bytes). */
function sameWire(actual: number, expected: number): boolean {
  return actual === expected || (expected === T.STRING && (actual === T.UTF8 || actual === T.UTF16));
}

export function readStruct(input: TProtocol, struct: ThriftStruct): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  input.readStructBegin();
  for (;;) {
    const { ftype, fid } = input.readFieldBegin();
    if (ftype === T.STOP) break;
    const field = struct.byId.get(fid);
    if (field && sameWire(ftype, wireType(field.type))) out[field.name] = readValue(input, field.type);
    else input.skip(ftype);
    input.readFieldEnd();
  }
  input.readStructEnd();
  completeStruct(struct, out);
  return out;
}

/** Unset fields read as their IDL default, else stay absent (null in GraphQL); a missing required field is a malformed answer. */
function completeStruct(struct: ThriftStruct, out: Record<string, unknown>): void {
  for (const field of struct.fields) {
    if (field.name in out) continue;
    if (field.requiredness === 'required') throw new MalformedAnswer(`${struct.name}.${field.name} is required and missing`);
    if (field.defaultValue !== undefined) out[field.name] = structuredClone(field.defaultValue);
  }
}

/**
 * Reads a function's reply struct: field 0 is the success value, the others its declared
 * exceptions (thrown as DeclaredException). A void function answers null.
 */
export function readReply(input: TProtocol, fn: ThriftFunction): unknown {
  let success: unknown;
  let hasSuccess = false;
  let thrown: { field: ThriftField; value: Record<string, unknown> } | undefined;
  input.readStructBegin();
  for (;;) {
    const { ftype, fid } = input.readFieldBegin();
    if (ftype === T.STOP) break;
    if (fid === 0 && fn.returns && sameWire(ftype, wireType(fn.returns))) {
      success = readValue(input, fn.returns);
      hasSuccess = true;
    } else {
      const field = fn.throws.find((f) => f.id === fid);
      if (field && field.type.kind === 'struct' && ftype === T.STRUCT) thrown = { field, value: readStruct(input, field.type.def) };
      else input.skip(ftype);
    }
    input.readFieldEnd();
  }
  input.readStructEnd();
  // By its own name (`NotFound`, not `common.NotFound`): callers need not know which file declares it.
  if (thrown) throw new DeclaredException(thrown.field.type.kind === 'struct' ? thrown.field.type.def.name.split('.').at(-1)! : thrown.field.name, thrown.value);
  if (!fn.returns) return null;
  if (!hasSuccess) throw new MalformedAnswer(`${fn.name} answered neither a value nor a declared exception`);
  return success;
}
