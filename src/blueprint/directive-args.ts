import { Kind, type ConstDirectiveNode, type ConstValueNode, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes, type ErrorCode } from '../errors/codes.ts';
import { locateNode } from './graphql-location.ts';
import type { ExprViews, FieldIR } from './ir.ts';

// Small readers of schema-directive arguments, shared by the directive compilers.

/** What a directive compiler knows of the field it compiles. */
export interface DirectiveContext {
  parent: GraphQLObjectType;
  field: GraphQLField<unknown, unknown>;
  fields: ReadonlyMap<string, ReadonlyMap<string, FieldIR>>;
  views: ExprViews;
  errors: ConfigError[];
}

/** Reports a config error at a node of the field's directives (plus a column offset inside a string). */
export function fail(c: DirectiveContext, code: ErrorCode, message: string, node: { loc?: unknown } | null | undefined, column = 0): void {
  const at = locateNode(node as never);
  c.errors.push(new ConfigError(code, message, { source: { ...at, column: at.column + column }, configPath: `schemas.${c.parent.name}.${c.field.name}` }));
}

/** The literal given for one argument of a directive, if any. */
export function argNode(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

/** A string argument with its node (for positions); undefined when absent or not a string. */
export function stringArg(directive: ConstDirectiveNode, name: string): { value: string; node: ConstValueNode } | undefined {
  const node = argNode(directive, name);
  return node?.kind === Kind.STRING ? { value: node.value, node } : undefined;
}

/** A non-negative Int argument; null after reporting a bad one. */
export function intArg(c: DirectiveContext, directive: ConstDirectiveNode, name: string): number | undefined | null {
  const node = argNode(directive, name);
  if (!node || node.kind === Kind.NULL) return undefined;
  const value = node.kind === Kind.INT ? Number(node.value) : NaN;
  if (!Number.isSafeInteger(value) || value < 0) {
    fail(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected ${name} to be a whole number ≥ 0`, node);
    return null;
  }
  return value;
}
