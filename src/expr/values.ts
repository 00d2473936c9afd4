import { isCelList, isCelMap, isCelUint, type CelInput } from '@bufbuild/cel';
import { ErrorCodes } from '../errors/codes.ts';
import { ExprError } from '../errors/gateway-error.ts';
import type { ExprLimits } from './limits.ts';

/**
 * How to present a JSON value to an expression. JSON has one number type and CEL has two
 * (int and double, which do not mix in arithmetic), so the shape says which one a value is:
 * blueprint/ derives shapes from the public schema (Int → int, Float → double).
 */
export type ValueShape =
  | { kind: 'int' | 'float' | 'string' | 'bool' | 'json' }
  | { kind: 'list'; of: ValueShape }
  | { kind: 'object'; fields: () => readonly ShapeField[] };

/** One field of an object shape, read from the upstream object by the code that built the shape. */
export interface ShapeField {
  name: string;
  read(raw: object): unknown;
  shape: ValueShape;
}

/** The only keys a view carries are data; nothing reaches Object.prototype (views are Maps). */
type View = CelInput;

/** Builds the view of an object with only the given fields (those an expression reads). */
export function objectView(raw: object, fields: readonly ShapeField[], limits: ExprLimits): View {
  const map = new Map<string, View>();
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    map.set(field.name, toCel(field.read(raw), field.shape, limits, 1));
  }
  return map;
}

/** Converts one JSON value to what CEL expects, checking list, string and depth bounds. */
export function toCel(value: unknown, shape: ValueShape, limits: ExprLimits, depth: number): View {
  if (value === null || value === undefined) return null;
  if (depth > limits.maxInputDepth) throw limit(`expected input nested at most ${limits.maxInputDepth} deep`);
  switch (typeof value) {
    case 'number':
      return shape.kind === 'int' && Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'string':
      if (value.length > limits.maxStringLength) throw limit(`expected input strings of at most ${limits.maxStringLength} characters; got ${value.length}`);
      return value;
    case 'boolean':
      return value;
    case 'bigint':
      return value;
    case 'object':
      break;
    default:
      return null;
  }
  if (Array.isArray(value)) {
    if (value.length > limits.maxListLength) throw limit(`expected input lists of at most ${limits.maxListLength} items; got ${value.length}`);
    const of = shape.kind === 'list' ? shape.of : JSON_SHAPE;
    const out = new Array<View>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toCel(value[i], of, limits, depth + 1);
    return out;
  }
  if (shape.kind === 'object') {
    const fields = shape.fields();
    const map = new Map<string, View>();
    for (let i = 0; i < fields.length; i++) map.set(fields[i]!.name, toCel(fields[i]!.read(value), fields[i]!.shape, limits, depth + 1));
    return map;
  }
  const keys = Object.keys(value);
  if (keys.length > limits.maxListLength) throw limit(`expected input objects of at most ${limits.maxListLength} keys; got ${keys.length}`);
  const map = new Map<string, View>();
  for (const key of keys) map.set(key, toCel((value as Record<string, unknown>)[key], JSON_SHAPE, limits, depth + 1));
  return map;
}

const JSON_SHAPE: ValueShape = { kind: 'json' };

/** Converts an expression's result back to JSON: ints become numbers, lists arrays, maps objects. */
export function fromCel(value: unknown, limits: ExprLimits): unknown {
  switch (typeof value) {
    case 'bigint':
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw limit('expected an integer result within ±2^53');
      return Number(value);
    case 'string':
      if (value.length > limits.maxStringLength) throw limit(`expected a result string of at most ${limits.maxStringLength} characters; got ${value.length}`);
      return value;
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return null;
  }
  if (value === null) return null;
  if (isCelUint(value)) return fromCel(value.value, limits);
  if (isCelList(value)) {
    if (value.size > limits.maxListLength) throw limit(`expected a result list of at most ${limits.maxListLength} items; got ${value.size}`);
    const out: unknown[] = [];
    for (const item of value) out.push(fromCel(item, limits));
    return out;
  }
  if (isCelMap(value)) {
    // A null-prototype object: a key named "__proto__" stays plain data.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, item] of value) out[String(key)] = fromCel(item, limits);
    return out;
  }
  throw new ExprError(ErrorCodes.EXPR_TYPE_MISMATCH, 'expected a result of type int, double, string, bool, list or map; wrap timestamps and durations in string()');
}

function limit(message: string): ExprError {
  return new ExprError(ErrorCodes.EXPR_LIMIT_EXCEEDED, message);
}
