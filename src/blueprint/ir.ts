import type { GraphQLSchema, GraphQLField, GraphQLNamedType } from 'graphql';
import type { BatchConfig, ConnectorConfig, HttpMethod } from '../config/types.ts';
import type { ConfigError } from '../errors/gateway-error.ts';
import type { Template } from './template.ts';

/** A JSON body template: literals kept as they are, string leaves compiled. */
export type BodyTemplate =
  | { kind: 'literal'; value: unknown }
  | { kind: 'template'; template: Template }
  | { kind: 'array'; items: BodyTemplate[] }
  | { kind: 'object'; entries: [string, BodyTemplate][] };

/** A connector operation, compiled: every template parsed and checked against its params. */
export interface CompiledOperation {
  /** `connector.operation`, the name used in plans, stats and logs. */
  id: string;
  connector: string;
  name: string;
  transport: string;
  method: HttpMethod;
  origin: string;
  /** Base path of the connector (from baseUrl), prepended to every call. */
  basePath: string;
  path: Template;
  query: readonly [string, Template][];
  headers: readonly [string, Template][];
  body: BodyTemplate | undefined;
  /** True if a template uses `{fields}`: the plan then names the upstream fields it needs. */
  selectsFields: boolean;
  /** Declared params: name → GraphQL type text (`ID!`). */
  params: ReadonlyMap<string, string>;
  batch: BatchConfig | undefined;
  /** Dot path into the JSON body, split once. */
  resultPath: readonly string[];
  timeoutMs: number;
}

/** Where a binding reads a value from: a template over `args.*` and `parent.*`. */
export interface ValueSource {
  template: Template;
}

/** A field bound to a connector operation with `@source`. */
export interface FieldBinding {
  operation: CompiledOperation;
  /** For batched operations: the single key (`key:`) or the list of keys (`keys:`). */
  key: ValueSource | undefined;
  keys: ValueSource | undefined;
  /** Operation params, each fed from a template over args and parent fields. */
  params: readonly [string, ValueSource][];
  /** Public fields of the parent type that the templates read (the planner needs them). */
  parentFields: readonly string[];
}

/** Everything the engine needs to know about one field of the public schema. */
export interface FieldIR {
  typeName: string;
  fieldName: string;
  /** Where the value sits in the parent's upstream object (`@map(from:)`), split once. */
  from: readonly string[];
  binding: FieldBinding | undefined;
  definition: GraphQLField<unknown, unknown>;
}

/** The compiled, frozen result of config: built once at boot, read on every request. */
export interface Blueprint {
  /** The schema callers see: binding directives removed. */
  schema: GraphQLSchema;
  fields: ReadonlyMap<string, ReadonlyMap<string, FieldIR>>;
  operations: ReadonlyMap<string, CompiledOperation>;
  connectors: readonly ConnectorConfig[];
  /** Problems that do not stop the gateway (e.g. N+1 hazards). */
  warnings: readonly ConfigError[];
}

/** Looks up a field's IR; the engine only asks for fields graphql validation has accepted. */
export function fieldIR(blueprint: Blueprint, type: GraphQLNamedType, fieldName: string): FieldIR | undefined {
  return blueprint.fields.get(type.name)?.get(fieldName);
}
