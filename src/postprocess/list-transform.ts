import type { CelInput } from '@bufbuild/cel';
import { ErrorCodes } from '../errors/codes.ts';
import { ExprError } from '../errors/gateway-error.ts';
import { objectView, toCel, type CompiledExpression, type ExprLimits, type ShapeField, type ValueShape } from '../expr/index.ts';

/** A list transform (operator `@transform` in schemas/ or caller `@transform` in a query), compiled. */
export interface ListTransform {
  filter: CompiledExpression | undefined;
  /** Operator only, and only on lists of scalars: replaces each item. */
  map: CompiledExpression | undefined;
  sortBy: CompiledExpression | undefined;
  descending: boolean;
  limit: number | undefined;
  limits: ExprLimits;
  /** For lists of objects: the item fields the expressions read. */
  itemFields: readonly ShapeField[] | undefined;
  /** For lists of scalars: how an item is presented. */
  itemShape: ValueShape;
  /** Longest list this transform accepts. */
  maxItems: number;
  /** Ceiling on items × the expressions' estimated cost per item: bounds the work of one list. */
  maxTotalCost: number;
}

/**
 * Filters, maps, sorts and cuts a list, evaluating each expression once per item. The loop is
 * ours, not a CEL macro: cel-es builds macro results by concatenation, which is slow and deep
 * for long lists, while this stays linear (plus the sort).
 */
export function applyListTransform(list: readonly unknown[], t: ListTransform, args: CelInput): unknown[] {
  if (list.length > t.maxItems) throw tagged('limit', new ExprError(ErrorCodes.EXPR_LIMIT_EXCEEDED, `expected a list of at most ${t.maxItems} items to transform; got ${list.length}`));
  const costPerItem = (t.filter?.cost ?? 0) + (t.sortBy?.cost ?? 0) + (t.map?.cost ?? 0);
  if (list.length * costPerItem > t.maxTotalCost) {
    const argument = t.filter ? 'filter' : t.sortBy ? 'sortBy' : 'map';
    throw tagged(
      argument,
      new ExprError(ErrorCodes.EXPR_LIMIT_EXCEEDED, `expected at most ${t.maxTotalCost} estimated steps for the whole list; ${list.length} items × ${costPerItem} per item is more (simplify the expression or ask for fewer items)`),
    );
  }
  const bindings: { item: CelInput; args: CelInput } = { item: null, args };
  const view = (item: unknown): CelInput =>
    t.itemFields && item !== null && typeof item === 'object' ? objectView(item, t.itemFields, t.limits) : toCel(item, t.itemShape, t.limits, 1);

  let items: unknown[] = [];
  for (const item of list) {
    if (t.filter && isData(item, t)) {
      bindings.item = view(item);
      const keep = evaluateAs('filter', t.filter, bindings);
      if (typeof keep !== 'boolean') throw tagged('filter', new ExprError(ErrorCodes.EXPR_TYPE_MISMATCH, `expected filter to return a bool; got ${describe(keep)}`));
      if (!keep) continue;
    }
    items.push(item);
  }
  if (t.sortBy) {
    const keyed = items.map((item, index) => {
      if (!isData(item, t)) return { item, index, key: NO_KEY };
      bindings.item = view(item);
      return { item, index, key: evaluateAs('sortBy', t.sortBy!, bindings) };
    });
    const sign = t.descending ? -1 : 1;
    try {
      keyed.sort((a, b) => compareKeys(a.key, b.key, sign) || a.index - b.index);
    } catch (error) {
      throw tagged('sortBy', error);
    }
    items = keyed.map((k) => k.item);
  }
  if (t.limit !== undefined && items.length > t.limit) items = items.slice(0, t.limit);
  if (t.map) {
    items = items.map((item) => {
      if (!isData(item, t)) return item;
      bindings.item = view(item);
      return evaluateAs('map', t.map!, bindings);
    });
  }
  return items;
}

/** Evaluates one of the transform's expressions; a failure names the argument it came from (`details.argument`). */
function evaluateAs(argument: string, expr: CompiledExpression, bindings: Readonly<Record<string, unknown>>): unknown {
  try {
    return expr.evaluate(bindings);
  } catch (error) {
    throw tagged(argument, error);
  }
}

function tagged(argument: string, error: unknown): unknown {
  if (error instanceof ExprError) error.details.argument = argument;
  return error;
}

/** Sort key of an item that is not data (null, or a failed load): after everything, even nulls. */
const NO_KEY = Symbol('no key');

/**
 * True for items the expressions can look at. Null items and items whose load failed (not
 * plain JSON objects) pass through untouched: kept by a filter, sorted last, so their own
 * null or error still shows at their position.
 */
function isData(item: unknown, t: ListTransform): boolean {
  if (item === null || item === undefined) return false;
  if (!t.itemFields) return true;
  return typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype;
}

/** Orders numbers, strings or bools; nulls last, then items without a key; mixed kinds are an error. */
function compareKeys(a: unknown, b: unknown, sign: number): number {
  if (a === NO_KEY || b === NO_KEY) return a === b ? 0 : a === NO_KEY ? 1 : -1;
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string' && typeof a !== 'boolean')) {
    throw new ExprError(ErrorCodes.EXPR_TYPE_MISMATCH, `expected sortBy to return numbers, strings or bools of one kind; got ${describe(a)} and ${describe(b)}`);
  }
  return (a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0) * sign;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}
