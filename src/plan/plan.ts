import type { FieldNode, GraphQLLeafType } from 'graphql';
import type { FieldIR } from '../blueprint/index.ts';
import type { ArgumentReader } from './argument-reader.ts';

/**
 * How to turn an upstream value into the response value of one field: decided at plan time
 * from the schema type and the selection, so execution does no type lookups.
 */
export type Completion =
  | { kind: 'direct' }
  | { kind: 'leaf'; nonNull: boolean; type: GraphQLLeafType }
  | { kind: 'list'; nonNull: boolean; of: Completion }
  | { kind: 'object'; nonNull: boolean; typeName: string; fields: readonly PlanField[] }
  | AbstractCompletion;

/**
 * An interface or union: each upstream item's discriminator picks one of the object
 * completions below, each planned for its own type (fragments on that type applied).
 */
export interface AbstractCompletion {
  kind: 'abstract';
  nonNull: boolean;
  /** The interface or union. */
  typeName: string;
  /** Dot path of the discriminator in the upstream item. */
  discriminator: readonly string[];
  /** Discriminator value → the concrete type's completion. */
  byValue: ReadonlyMap<string, { typeName: string; fields: readonly PlanField[] }>;
  /** True if a field below any of the concrete types fetches. */
  fetchesBelow: boolean;
}

/** One response key of a selection set, after fragments, aliases and @skip/@include are resolved. */
export interface PlanField {
  responseKey: string;
  fieldName: string;
  /**
   * `typename` answers __typename; `introspection` is served by graphql-js; `value` is ours;
   * `dependency` is fetched for a computed field but never written to the response.
   */
  kind: 'value' | 'typename' | 'introspection' | 'dependency' | 'forbidden';
  parentType: string;
  ir: FieldIR | undefined;
  /** The merged field nodes (same response key): used to compute argument values. */
  fieldNodes: readonly FieldNode[];
  /** A `value` field's argument values for a request's variables (compiled once per plan; constant ones computed then). */
  readArgs?: ArgumentReader | undefined;
  completion: Completion;
  /** The fetch this field performs, if it is bound to a connector operation. */
  fetch: FetchStep | undefined;
  /** Keyed by its parents' own key: fetched together with them, by the keys they are fetched by. */
  fetchWithParent?: boolean;
  /** True if this field or anything below it fetches: the executor walks only those branches. */
  fetchesBelow: boolean;
  /** Post-processing (computed value, transforms, value directives), run by the shaping walk. */
  post?: PostProcess | undefined;
  /** List transforms run right after the fetch, before fields below it fetch (bound lists of objects). */
  fetchTransform?: FetchTransform | undefined;
  /** For list fields with transforms: the item fields the transforms read (public names). */
  itemReads?: readonly string[] | undefined;
  /** `forbidden`: the caller lacks the field's scopes; it is null with this FORBIDDEN error (and bubbles when non-null). */
  forbidden?: { message: string; nonNull: boolean } | undefined;
}

/** What post-processing may read while the response is shaped. */
export interface PostContext {
  variables: Readonly<Record<string, unknown>>;
  request: { id: string; nowMs: number };
  /** The fetched value of a dependency field for this parent; throws the fetch's error if it failed. */
  readDependency(field: PlanField, parent: object): unknown;
}

/** Runs a field's post-processing on its value. Throws a GatewayError when it fails. */
export type PostProcess = (value: unknown, parent: object, ctx: PostContext) => unknown;

/** Transforms a fetched value before anything below it is fetched. Throws a GatewayError when it fails. */
export type FetchTransform = (value: unknown, variables: Readonly<Record<string, unknown>>) => unknown;

/** One post-processing stage as explain shows it. */
export interface TransformStep {
  /** Response path: `customer.phone`. */
  path: string;
  field: string;
  /** `operator` (schemas/) or `caller` (the query's @transform). */
  by: 'operator' | 'caller';
  steps: readonly string[];
}

/** One upstream operation the plan will run, as shown by `explain`. */
export interface FetchStep {
  id: number;
  /** `connector.operation`. */
  operation: string;
  /** The field that triggers it: `Customer.orders`. */
  field: string;
  /** Response path of the field: `customers.orders` (list positions omitted). */
  path: string;
  /** 1 for root fetches; n + 1 for a fetch that needs the result of a fetch of stage n. */
  stage: number;
  dependsOn: number | undefined;
  /** Sent with fetch n, by the keys n is sent with: its key is the parents' own key field. */
  withKeysOf?: number;
  batched: boolean;
  maxBatchSize: number | undefined;
  /** How the batch answers are laid out, when not a flat list keyed by one field (`grouped by customerId → orders`). */
  answer?: string;
  /** The key template (`{parent.id}`) for batched operations; `keys` for list keys. */
  key: string | undefined;
  keys: string | undefined;
  params: Readonly<Record<string, string>>;
  /** Upstream fields asked for, for operations that take `{fields}`; absent = everything. */
  fields?: readonly string[];
  /** Set when the fetch only feeds a computed field (`Customer.openTicketCount`). */
  neededBy?: string;
  /** Set when identical calls in flight share one upstream call (`coalesce: true`). */
  coalesce?: true;
  /** A paged list: how pages are followed and the most calls it may make (`pagination:`). */
  pagination?: { style: 'cursor' | 'page' | 'offset'; maxPages: number; limitParam?: string };
  /** Below an interface or union: the fetch runs only for the items of this type (`... on Person`). */
  typeCondition?: string;
  /** A root field of a mutation: made once, unshared, after fetch n and everything below it. */
  serialAfter?: number;
  /** Set on the fetch of a root mutation field. */
  mutation?: true;
}

/** The plan of one operation: plain data, cached and reused across requests. */
export interface Plan {
  operationName: string | undefined;
  /** `query` or `mutation`: a mutation's root fields run one after another (spec §6.2.2). */
  operationType: 'query' | 'mutation';
  rootType: string;
  rootFields: readonly PlanField[];
  fetches: readonly FetchStep[];
  /** Post-processing that runs in the shaping walk, in response order. */
  transforms: readonly TransformStep[];
  hasIntrospection: boolean;
}
