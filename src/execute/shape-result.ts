import { GraphQLError } from 'graphql';
import { serializeLeaf, unchangedLeafTest } from '../blueprint/index.ts';
import type { AbstractCompletion, Completion, PlanField, PostContext } from '../plan/index.ts';
import { FetchFailure } from './fetch-failure.ts';
import type { FetchResults } from './fetch-phase.ts';
import { readPath } from '../util/read-path.ts';
import { fallbackNote, type FallbackNote } from './field-fallback.ts';
import { toGraphQLError } from '../errors/to-graphql-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { discriminatorValue } from './discriminator-value.ts';

/** A response path as a linked list: built for free while walking, turned into an array only on error. */
interface Path {
  prev: Path | undefined;
  key: string | number;
}

/** Returned in place of a value when a non-null position got null and the null must bubble up. */
const BUBBLE = Symbol('bubble');

export interface ShapeContext extends PostContext {
  results: FetchResults;
  errors: GraphQLError[];
  /** Answers of introspection root fields, computed by graphql-js. */
  introspection: Readonly<Record<string, unknown>> | undefined;
  onUnexpectedError(error: unknown): void;
  /** Dev mode: field errors carry their diagnosis (errors/to-graphql-error.ts). */
  dev?: boolean;
  /** Fields answered by their `@fallback` instead of an error (→ `extensions.fallbacks`). */
  fallbacks?: FallbackNote[];
}

/**
 * Builds the response data synchronously from the fetched values, exactly as GraphQL's
 * CompleteValue does (spec §6.4.3): leaf serialisation, list and object completion, and null
 * propagation to the nearest nullable parent, with one error at the position where it began.
 */
export function shapeRoot(ctx: ShapeContext, fields: readonly PlanField[], root: object, rootType: string): Record<string, unknown> | null {
  const data = shapeObject(ctx, fields, root, rootType, undefined);
  return data === BUBBLE ? null : data;
}

/**
 * Shapes one root field (a mutation's, right after its own fetches): its response value, or
 * `bubbled: true` when a null reached the root, which makes the whole `data` null.
 */
export function shapeRootField(ctx: ShapeContext, field: PlanField, root: object, rootType: string): { bubbled: boolean; value: unknown } {
  const value = fieldValue(ctx, field, root, rootType, undefined);
  return value === BUBBLE ? { bubbled: true, value: null } : { bubbled: false, value };
}

function shapeObject(
  ctx: ShapeContext,
  fields: readonly PlanField[],
  raw: object,
  typeName: string,
  path: Path | undefined,
): Record<string, unknown> | typeof BUBBLE {
  const compiled = compiledShaper(fields);
  if (compiled) return compiled(ctx, raw, typeName, path);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.kind === 'dependency') continue;
    const value = fieldValue(ctx, field, raw, typeName, path);
    if (value === BUBBLE) return BUBBLE;
    out[field.responseKey] = value;
  }
  return out;
}

/** The response value of one field of an object: read or fetched, post-processed, completed. */
function fieldValue(ctx: ShapeContext, field: PlanField, raw: object, typeName: string, path: Path | undefined): unknown {
  if (field.kind === 'typename') return typeName;
  if (field.kind === 'introspection') return ctx.introspection?.[field.responseKey] ?? null;
  if (field.kind === 'forbidden') return forbid(ctx, field, path);
  let value = field.fetch ? ctx.results.get(field)?.get(raw) : readPath(raw, field.ir!.from);
  // A fallback stands in for the fetched value before post-processing, so masking still applies.
  if (value instanceof FetchFailure && value.fallback && ctx.fallbacks) {
    ctx.fallbacks.push(fallbackNote(value, pathToArray({ prev: path, key: field.responseKey })));
    value = value.fallback.value;
  }
  if (field.post !== undefined && !(value instanceof FetchFailure)) value = runPost(ctx, field.post, value, raw);
  return complete(ctx, field, field.completion, value, path, field.responseKey);
}

type ObjectShaper = (ctx: ShapeContext, raw: object, typeName: string, path: Path | undefined) => Record<string, unknown> | typeof BUBBLE;

/**
 * Shapers compiled per selection set of a cached plan. Writing response keys one by one into
 * `{}` is the most expensive line of a generic walk (a keyed store that changes the object's
 * hidden class at every key); a compiled shaper computes the values in order, then builds the
 * object with one literal, whose shape V8 knows up front. A selection is compiled the second
 * time it is shaped, so a document seen once pays nothing for it.
 */
const shapers = new WeakMap<readonly PlanField[], ObjectShaper | number>();
/** Larger selections stay on the generic walk: their literal would not stay a fast object anyway. */
const MAX_COMPILED_FIELDS = 64;

function compiledShaper(fields: readonly PlanField[]): ObjectShaper | undefined {
  const known = shapers.get(fields);
  if (typeof known === 'function') return known;
  if (known === undefined) {
    shapers.set(fields, 1);
    return undefined;
  }
  const shaper = compileShaper(fields);
  shapers.set(fields, shaper ?? Number.POSITIVE_INFINITY);
  return shaper;
}

function compileShaper(fields: readonly PlanField[]): ObjectShaper | undefined {
  const kept = fields.filter((f) => f.kind !== 'dependency');
  // Response keys are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), so they are safe inside the
  // generated source as JSON strings; `__proto__` would set the prototype in a literal and
  // anything else unexpected stays on the generic walk.
  if (kept.length > MAX_COMPILED_FIELDS || kept.some((f) => !/^[_A-Za-z][_0-9A-Za-z]*$/.test(f.responseKey) || f.responseKey === '__proto__')) return undefined;
  const lines = kept.map((field, i) => {
    const test = inlineLeafTest(field, `x${i}`);
    if (test === undefined) return `const v${i} = fieldValue(ctx, fields[${i}], raw, typeName, path); if (v${i} === BUBBLE) return BUBBLE;`;
    // A plain leaf read straight from the upstream object: a property load of its own (one
    // hidden class at this site), the value kept when the scalar would return it unchanged.
    const read = `const x${i} = raw[${JSON.stringify(field.ir!.from[0])}];`;
    return `${read} const v${i} = ${test} ? x${i} : completeLeaf(ctx, fields[${i}], x${i}, path); if (v${i} === BUBBLE) return BUBBLE;`;
  });
  const literal = kept.map((f, i) => `${JSON.stringify(f.responseKey)}: v${i}`).join(', ');
  const body = `"use strict"; return function shapeSelection(ctx, raw, typeName, path) { ${lines.join(' ')} return { ${literal} }; };`;
  let make: (fv: typeof fieldValue, cl: typeof completeLeaf, bubble: typeof BUBBLE, fields: readonly PlanField[]) => ObjectShaper;
  try {
    make = new Function('fieldValue', 'completeLeaf', 'BUBBLE', 'fields', body) as typeof make;
  } catch {
    // Code generation disabled (--disallow-code-generation-from-strings): the generic walk answers the same.
    return undefined;
  }
  return make(fieldValue, completeLeaf, BUBBLE, kept);
}

/**
 * For a field that is a plain read of one upstream key into a built-in scalar (no fetch, no
 * post-processing), the JS test, over the variable `x`, under which serialize would return `x` unchanged
 * (as serializeLeaf decides); undefined for every other field.
 */
function inlineLeafTest(field: PlanField, x: string): string | undefined {
  const c = field.completion;
  if (field.kind !== 'value' || field.fetch || field.post !== undefined || c.kind !== 'leaf' || field.ir?.from.length !== 1) return undefined;
  return unchangedLeafTest(c.type, x);
}

/** Completes a plain leaf read that the compiled test did not settle (null, a value to serialise, an error). */
function completeLeaf(ctx: ShapeContext, field: PlanField, value: unknown, path: Path | undefined): unknown {
  return complete(ctx, field, field.completion, value, path, field.responseKey);
}

/**
 * Completes one value at position `key` below `parentPath`. The position's own Path node is
 * built only when needed (an error, or an object or list to descend into): leaves, most of a
 * response, allocate nothing.
 */
function complete(ctx: ShapeContext, field: PlanField, c: Completion, value: unknown, parentPath: Path | undefined, key: string | number): unknown {
  if (c.kind === 'direct') return value;
  if (value instanceof FetchFailure) {
    ctx.errors.push(toGraphQLError(value.error, pathTo(parentPath, key), ctx.onUnexpectedError, field.fieldNodes, ctx.dev));
    return c.nonNull ? BUBBLE : null;
  }
  if (value === null || value === undefined) {
    if (!c.nonNull) return null;
    ctx.errors.push(
      new GraphQLError(`Cannot return null for non-nullable field ${field.parentType}.${field.fieldName}.`, {
        nodes: field.fieldNodes,
        path: pathTo(parentPath, key),
        extensions: { code: ErrorCodes.RESULT_NON_NULL_VIOLATION },
      }),
    );
    return BUBBLE;
  }
  let result: unknown;
  switch (c.kind) {
    case 'leaf':
      try {
        result = serializeLeaf(c.type, value);
      } catch (error) {
        const message = error instanceof GraphQLError ? error.message : `${c.type.name} cannot represent the upstream value.`;
        ctx.errors.push(new GraphQLError(message, { nodes: field.fieldNodes, path: pathTo(parentPath, key), extensions: { code: ErrorCodes.RESULT_INVALID_VALUE } }));
        result = BUBBLE;
      }
      if (result === undefined) result = null;
      break;
    case 'list': {
      if (!Array.isArray(value)) {
        ctx.errors.push(
          new GraphQLError(`Expected Iterable, but did not find one for field "${field.parentType}.${field.fieldName}".`, {
            nodes: field.fieldNodes,
            path: pathTo(parentPath, key),
            extensions: { code: ErrorCodes.RESULT_INVALID_VALUE },
          }),
        );
        result = BUBBLE;
        break;
      }
      const path: Path = { prev: parentPath, key };
      const of = c.of;
      const items = new Array<unknown>(value.length);
      result = items;
      for (let i = 0; i < value.length; i++) {
        const item = complete(ctx, field, of, value[i], path, i);
        if (item === BUBBLE) {
          result = BUBBLE;
          break;
        }
        items[i] = item;
      }
      break;
    }
    case 'object':
      if (typeof value !== 'object' || Array.isArray(value)) {
        ctx.errors.push(
          new GraphQLError(`Expected an object for field "${field.parentType}.${field.fieldName}" of type ${c.typeName}.`, {
            nodes: field.fieldNodes,
            path: pathTo(parentPath, key),
            extensions: { code: ErrorCodes.RESULT_INVALID_VALUE },
          }),
        );
        result = BUBBLE;
        break;
      }
      result = shapeObject(ctx, c.fields, value, c.typeName, { prev: parentPath, key });
      break;
    case 'abstract':
      result = completeAbstract(ctx, field, c, value, parentPath, key);
      break;
  }
  if (result === BUBBLE) return c.nonNull ? BUBBLE : null;
  return result;
}

/** An interface or union value: its discriminator picks the concrete type, whose selection shapes it. */
function completeAbstract(ctx: ShapeContext, field: PlanField, c: AbstractCompletion, value: unknown, parentPath: Path | undefined, key: string | number): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.errors.push(
      new GraphQLError(`Expected an object for field "${field.parentType}.${field.fieldName}" of type ${c.typeName}.`, {
        nodes: field.fieldNodes,
        path: pathTo(parentPath, key),
        extensions: { code: ErrorCodes.RESULT_INVALID_VALUE },
      }),
    );
    return BUBBLE;
  }
  const tag = discriminatorValue(value, c.discriminator);
  const entry = tag === undefined ? undefined : c.byValue.get(tag);
  if (!entry) {
    const found = tag === undefined ? 'none' : `"${tag.length > 64 ? `${tag.slice(0, 64)}…` : tag}"`;
    ctx.errors.push(
      new GraphQLError(`The upstream item has no type of ${c.typeName} for its "${c.discriminator.join('.')}" value ${found}; expected one of ${[...c.byValue.keys()].map((v) => `"${v}"`).join(', ')}.`, {
        nodes: field.fieldNodes,
        path: pathTo(parentPath, key),
        extensions: { code: ErrorCodes.RESULT_UNKNOWN_TYPE },
      }),
    );
    return BUBBLE;
  }
  return shapeObject(ctx, entry.fields, value, entry.typeName, { prev: parentPath, key });
}

/** A field the caller lacks the scopes for: null with a located FORBIDDEN error, bubbling like any null. */
function forbid(ctx: ShapeContext, field: PlanField, path: Path | undefined): unknown {
  const { message, nonNull } = field.forbidden!;
  ctx.errors.push(new GraphQLError(message, { nodes: field.fieldNodes, path: pathTo(path, field.responseKey), extensions: { code: ErrorCodes.FORBIDDEN } }));
  return nonNull ? BUBBLE : null;
}

/** Post-processing failures become the field's error, exactly like a failed fetch. */
function runPost(ctx: ShapeContext, post: NonNullable<PlanField['post']>, value: unknown, raw: object): unknown {
  try {
    return post(value, raw, ctx);
  } catch (error) {
    return new FetchFailure(error);
  }
}

function pathTo(parentPath: Path | undefined, key: string | number): (string | number)[] {
  return pathToArray({ prev: parentPath, key });
}

function pathToArray(path: Path | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p = path; p; p = p.prev) out.push(p.key);
  return out.reverse();
}
