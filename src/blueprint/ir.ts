import type { GraphQLSchema, GraphQLField, GraphQLNamedType, GraphQLOutputType } from 'graphql';
import type { BatchConfig, ConnectorConfig, ForwardedHeader, HttpMethod } from '../config/types.ts';
import type { ConfigError, SourceLocation } from '../errors/gateway-error.ts';
import type { Template } from './template.ts';
import type { BatchAnswerReader } from './compile-batch-answer.ts';
import type { CompiledExpression, ShapeField, ValueShape } from '../expr/index.ts';
import type { ListTransform, ValuePipeline } from '../postprocess/index.ts';
import type { CallPolicy } from '../resilience/policy.ts';
import type { UpstreamRequest } from '../transports/transport.ts';

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
  /** The connector's `forwardHeaders` (caller header → upstream header); undefined when it declares none. */
  forwardHeaders: readonly ForwardedHeader[] | undefined;
  body: BodyTemplate | undefined;
  /** True if a template uses `{fields}`: the plan then names the upstream fields it needs. */
  selectsFields: boolean;
  /** Declared params: name → GraphQL type text (`ID!`). */
  params: ReadonlyMap<string, string>;
  batch: BatchConfig | undefined;
  /** How a batch answer that is not a flat list keyed by one field is read (grouped, map, composite keys); undefined otherwise. */
  answerReader: BatchAnswerReader | undefined;
  /** How explain names the layout batch answers are read in (`grouped by customerId → orders`); undefined when unbatched. */
  answerLabel: string | undefined;
  /** Dot path into the JSON body, split once. */
  resultPath: readonly string[];
  /** Where `result:` and `batch.keyField` are declared (the operation itself when omitted), for errors about answers that do not fit them. */
  declaredAt: { readonly result: SourceLocation; readonly keyField: SourceLocation | undefined };
  timeoutMs: number;
  /** Connect timeout, idempotency, retries and caching of this operation, defaults applied. */
  policy: CallPolicy;
  /**
   * Set by a transport that renders its own calls (gRPC: `body` is then the request message
   * template): renderRequest hands the call to it. Absent for HTTP, whose rendering is execute/'s.
   */
  render?: ((params: Readonly<Record<string, unknown>>, keys: readonly unknown[] | undefined, headers: Readonly<Record<string, string>>) => UpstreamRequest) | undefined;
  /** Follows a paged list over several calls (`pagination:`); undefined = one call. */
  pagination?: CompiledPagination | undefined;
  /** Where marked (stress, preview) traffic goes for this operation (blueprint/compile-isolation.ts); undefined only for operations built outside compileBlueprint. */
  marked?: MarkedTarget | undefined;
}

/**
 * What a marked request does at one operation, decided at boot:
 * - `shadow`: calls `operation` instead (the same operation, aimed at the shadow target);
 * - `forward`: calls production, with the mark forwarded so the upstream can isolate it;
 * - `refuse`: no call; the fields that depend on it fail with ISOLATION_REQUIRED (`reason` says why).
 * `label` is how explain and the access log name the target.
 */
export type MarkedTarget =
  | { readonly kind: 'shadow'; readonly operation: CompiledOperation; readonly label: string }
  | { readonly kind: 'forward'; readonly label: string }
  | { readonly kind: 'refuse'; readonly label: string; readonly reason: string };

/** `pagination:` of an unbatched list operation, checked against its params. */
export interface CompiledPagination {
  style: 'cursor' | 'page' | 'offset';
  maxPages: number;
  pageSize: number | undefined;
  limitParam: string | undefined;
  /** cursor style: where the next cursor is in each page's body (after `envelope.data`). */
  cursorPath: readonly string[];
  /** Query parameter carrying the cursor, page number or offset. */
  requestParam: string;
  firstPage: number;
  sizeParam: string | undefined;
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
  /** For composite keys (`batch.keyFields`): one source per key field, in keyFields order (`key: { tenantId: "…", customerId: "…" }`). */
  keyParts: readonly ValueSource[] | undefined;
  /** Operation params, each fed from a template over args and parent fields. */
  params: readonly [string, ValueSource][];
  /** Public fields of the parent type that the templates read (the planner needs them). */
  parentFields: readonly string[];
}

/** What a bound field answers when its upstream call fails (`@fallback`, blueprint/compile-fallback.ts). */
export interface FieldFallback {
  /** Serve the field's last good value (same args, same parent) up to this age; undefined = no stale. */
  staleForMs: number | undefined;
  hasValue: boolean;
  /** The static default, when `hasValue`. */
  value: unknown;
  /** `Type.field`, part of the stale value's key. */
  coordinate: string;
}

/** Everything the engine needs to know about one field of the public schema. */
export interface FieldIR {
  typeName: string;
  fieldName: string;
  /** Where the value sits in the parent's upstream object (`@map(from:)`), split once. */
  from: readonly string[];
  binding: FieldBinding | undefined;
  definition: GraphQLField<unknown, unknown>;
  /** Post-processing directives (@computed, @transform, @mask, …), compiled; undefined when none. */
  post?: FieldPost | undefined;
  /** `@fallback`, only on bound fields. */
  fallback?: FieldFallback | undefined;
  /** `@requiresScopes` on the field, its type or the type it returns; undefined = anyone may read it. */
  access?: ScopeRequirement | undefined;
}

/**
 * Scopes a field needs: every entry must be met, and an entry is met by holding every scope of
 * any one of its lists (`[[a, b], [c]]`: a and b, or c).
 */
export type ScopeRequirement = readonly (readonly (readonly string[])[])[];

/** One parent field a computed field reads. */
export interface ComputedInput {
  name: string;
  shape: ValueShape;
  /** Where a plain field sits in the parent's upstream object. */
  from: readonly string[];
  /** True when the field is bound with @source: the planner adds a fetch for it. */
  bound: boolean;
}

/** `@computed(expr:)`: the field's value is an expression over parent fields, arguments and the request. */
export interface ComputedField {
  expr: CompiledExpression;
  inputs: readonly ComputedInput[];
  /** The field's arguments, typed (Int arguments are CEL ints). */
  args: readonly ShapeField[];
}

/** Everything that happens to a field's value after it is fetched, in this order. */
export interface FieldPost {
  computed: ComputedField | undefined;
  /** Operator `@transform` on a list field. */
  transform: ListTransform | undefined;
  transformArgs: readonly ShapeField[];
  /** @default, @valueMap, @unit, @format, @mask. */
  pipeline: ValuePipeline | undefined;
  /** How explain shows each step: `computed(parent.points >= 40000 ? …)`, `mask(keepLast: 4)`. */
  labels: readonly string[];
}

/** An interface or union: which upstream field names an item's concrete type (`@discriminator`). */
export interface AbstractTypeIR {
  typeName: string;
  /** Dot path of the discriminator in the upstream item, split once. */
  path: readonly string[];
  /** Discriminator value → object type name. */
  types: ReadonlyMap<string, string>;
}

/** How values of the public schema are presented to expressions. */
export interface ExprViews {
  /** Plain (unbound, not computed) fields of an object type; `masked` applies their value directives (for caller expressions). */
  objectFields(typeName: string, masked: boolean): readonly ShapeField[];
  shapeOf(type: GraphQLOutputType, masked: boolean): ValueShape;
}

/** The compiled, frozen result of config: built once at boot, read on every request. */
export interface Blueprint {
  /** The schema callers see: binding directives removed. */
  schema: GraphQLSchema;
  fields: ReadonlyMap<string, ReadonlyMap<string, FieldIR>>;
  /** Interfaces and unions by name, with their discriminator. */
  abstractTypes: ReadonlyMap<string, AbstractTypeIR>;
  operations: ReadonlyMap<string, CompiledOperation>;
  connectors: readonly ConnectorConfig[];
  /** Problems that do not stop the gateway (e.g. N+1 hazards). */
  warnings: readonly ConfigError[];
  views: ExprViews;
  /** Every scope `@requiresScopes` or `@mask(unmaskScope:)` names, sorted: what a plan can depend on. */
  scopeNames: readonly string[];
}

/** Looks up a field's IR; the engine only asks for fields graphql validation has accepted. */
export function fieldIR(blueprint: Blueprint, type: GraphQLNamedType, fieldName: string): FieldIR | undefined {
  return blueprint.fields.get(type.name)?.get(fieldName);
}
