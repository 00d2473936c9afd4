import { GraphQLError } from 'graphql';
import type { Completion, PlanField, PostContext } from '../plan/index.ts';
import { FetchFailure } from './fetch-failure.ts';
import type { FetchResults } from './fetch-phase.ts';
import { readPath } from '../util/read-path.ts';
import { fallbackNote, type FallbackNote } from './field-fallback.ts';
import { toGraphQLError } from '../errors/to-graphql-error.ts';
import { ErrorCodes } from '../errors/codes.ts';

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

function shapeObject(
  ctx: ShapeContext,
  fields: readonly PlanField[],
  raw: object,
  typeName: string,
  path: Path | undefined,
): Record<string, unknown> | typeof BUBBLE {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.kind === 'typename') {
      out[field.responseKey] = typeName;
      continue;
    }
    if (field.kind === 'introspection') {
      out[field.responseKey] = ctx.introspection?.[field.responseKey] ?? null;
      continue;
    }
    if (field.kind === 'dependency') continue;
    const fieldPath: Path = { prev: path, key: field.responseKey };
    let value = field.fetch ? ctx.results.get(field)?.get(raw) : readPath(raw, field.ir!.from);
    // A fallback stands in for the fetched value before post-processing, so masking still applies.
    if (value instanceof FetchFailure && value.fallback && ctx.fallbacks) {
      ctx.fallbacks.push(fallbackNote(value, pathToArray(fieldPath)));
      value = value.fallback.value;
    }
    if (field.post !== undefined && !(value instanceof FetchFailure)) value = runPost(ctx, field.post, value, raw);
    const completed = complete(ctx, field, field.completion, value, fieldPath);
    if (completed === BUBBLE) return BUBBLE;
    out[field.responseKey] = completed;
  }
  return out;
}

function complete(ctx: ShapeContext, field: PlanField, c: Completion, value: unknown, path: Path): unknown {
  if (c.kind === 'direct') return value;
  if (value instanceof FetchFailure) {
    ctx.errors.push(toGraphQLError(value.error, pathToArray(path), ctx.onUnexpectedError, field.fieldNodes));
    return c.nonNull ? BUBBLE : null;
  }
  if (value === null || value === undefined) {
    if (!c.nonNull) return null;
    ctx.errors.push(
      new GraphQLError(`Cannot return null for non-nullable field ${field.parentType}.${field.fieldName}.`, {
        nodes: field.fieldNodes,
        path: pathToArray(path),
        extensions: { code: ErrorCodes.RESULT_NON_NULL_VIOLATION },
      }),
    );
    return BUBBLE;
  }
  let result: unknown;
  switch (c.kind) {
    case 'leaf':
      try {
        result = c.type.serialize(value);
      } catch (error) {
        const message = error instanceof GraphQLError ? error.message : `${c.type.name} cannot represent the upstream value.`;
        ctx.errors.push(new GraphQLError(message, { nodes: field.fieldNodes, path: pathToArray(path), extensions: { code: ErrorCodes.RESULT_INVALID_VALUE } }));
        result = BUBBLE;
      }
      if (result === undefined) result = null;
      break;
    case 'list': {
      if (!Array.isArray(value)) {
        ctx.errors.push(
          new GraphQLError(`Expected Iterable, but did not find one for field "${field.parentType}.${field.fieldName}".`, {
            nodes: field.fieldNodes,
            path: pathToArray(path),
            extensions: { code: ErrorCodes.RESULT_INVALID_VALUE },
          }),
        );
        result = BUBBLE;
        break;
      }
      const items = new Array<unknown>(value.length);
      result = items;
      for (let i = 0; i < value.length; i++) {
        const item = complete(ctx, field, c.of, value[i], { prev: path, key: i });
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
            path: pathToArray(path),
            extensions: { code: ErrorCodes.RESULT_INVALID_VALUE },
          }),
        );
        result = BUBBLE;
        break;
      }
      result = shapeObject(ctx, c.fields, value, c.typeName, path);
      break;
  }
  if (result === BUBBLE) return c.nonNull ? BUBBLE : null;
  return result;
}

/** Post-processing failures become the field's error, exactly like a failed fetch. */
function runPost(ctx: ShapeContext, post: NonNullable<PlanField['post']>, value: unknown, raw: object): unknown {
  try {
    return post(value, raw, ctx);
  } catch (error) {
    return new FetchFailure(error);
  }
}

function pathToArray(path: Path | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p = path; p; p = p.prev) out.push(p.key);
  return out.reverse();
}
