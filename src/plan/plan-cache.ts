import {
  GraphQLError,
  Kind,
  parse,
  validate,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Blueprint } from '../blueprint/index.ts';
import { buildPlan } from './build-plan.ts';
import type { Plan } from './plan.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { LIMIT_DEFAULTS, MAX_NESTING } from '../limits/operation-limits.ts';
import { scanDocument } from '../limits/scan-document.ts';
import { measureOperation, TooDeep, type OperationMeasures } from '../limits/measure-operation.ts';
import { limitError } from '../limits/scan-document.ts';

const UNKNOWN_OPERATION = { extensions: { code: ErrorCodes.REQUEST_UNKNOWN_OPERATION } };

/** A parsed, validated document with what planning needs precomputed. */
export interface PreparedDocument {
  /** The document text; with the operation name it keys the plan cache. */
  text: string | undefined;
  document: DocumentNode;
  operations: ReadonlyMap<string, OperationDefinitionNode>;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Variables read by @skip/@include: the only variables a plan depends on. */
  conditionVariables: readonly string[];
  /** Lexical tokens of `text` (0 when someone else parsed it), for the per-caller token limit. */
  tokens: number;
}

export interface PlanCacheStats {
  documentHits: number;
  documentMisses: number;
  planHits: number;
  planMisses: number;
}

export interface PlanCacheOptions {
  maxDocuments?: number;
  maxPlans?: number;
  /** The most tokens any caller may send: lexing stops there, and the document is never parsed. */
  tokenCap?: number;
  /** The list size the cost estimate assumes where no argument states one. */
  defaultListSize?: number;
}

/**
 * Caches parsed+validated documents by text and plans by (document, operation, @skip/@include
 * values). It wraps the planner instead of living in it (the Apollo router's caching planner).
 */
export class PlanCache {
  readonly stats: PlanCacheStats = { documentHits: 0, documentMisses: 0, planHits: 0, planMisses: 0 };
  readonly #blueprint: Blueprint;
  readonly #documents: LRUCache<string, PreparedDocument | { errors: readonly GraphQLError[] }>;
  readonly #byNode = new WeakMap<DocumentNode, PreparedDocument>();
  readonly #plans: LRUCache<string, Plan>;
  /**
   * Each operation's plan key without its @skip/@include values, kept as one string object: V8
   * remembers a string's hash, so looking up the same string again does not rehash the document.
   */
  readonly #baseKeys = new WeakMap<OperationDefinitionNode, string>();
  /**
   * A scope set's part of the plan key: which of the scopes the schema names it holds (one
   * character each), so callers with the same relevant scopes share plans. Kept per set: a
   * caller's set is one object for as long as its key or token is.
   */
  readonly #scopeKeys = new WeakMap<ReadonlySet<string>, string>();
  /** Each operation's measures for the limits: computed once per cached document. */
  readonly #measures = new WeakMap<OperationDefinitionNode, OperationMeasures | GraphQLError>();
  readonly #tokenCap: number;
  readonly #defaultListSize: number;

  constructor(blueprint: Blueprint, options: PlanCacheOptions = {}) {
    this.#blueprint = blueprint;
    this.#tokenCap = options.tokenCap ?? LIMIT_DEFAULTS.maxTokens;
    this.#defaultListSize = options.defaultListSize ?? LIMIT_DEFAULTS.defaultListSize;
    this.#documents = new LRUCache({ max: options.maxDocuments ?? 1_000 });
    this.#plans = new LRUCache({ max: options.maxPlans ?? 1_000 });
  }

  /** Plans held now. */
  get size(): number {
    return this.#plans.size;
  }

  /**
   * Parses and validates a document text once; later calls with the same text are a map lookup.
   * The text is lexed first (scanDocument): over the token cap or nested too deep, it is refused
   * with TOKEN_LIMIT or DEPTH_LIMIT, unparsed and uncached.
   */
  prepareText(text: string): PreparedDocument | { errors: readonly GraphQLError[] } {
    const cached = this.#documents.get(text);
    if (cached) {
      this.stats.documentHits += 1;
      return cached;
    }
    this.stats.documentMisses += 1;
    const scan = scanDocument(text, this.#tokenCap);
    if (scan instanceof GraphQLError) return { errors: [scan] };
    let prepared: PreparedDocument | { errors: readonly GraphQLError[] };
    try {
      const document = parse(text, { maxTokens: this.#tokenCap });
      const errors = validate(this.#blueprint.schema, document);
      prepared = errors.length > 0 ? { errors } : this.#prepare(document, text, scan.tokens);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      prepared = { errors: [error] };
    }
    this.#documents.set(text, prepared);
    return prepared;
  }

  /** Prepares a document that someone else (graphql-yoga) already parsed and validated. */
  prepareDocument(document: DocumentNode): PreparedDocument {
    let prepared = this.#byNode.get(document);
    if (!prepared) {
      prepared = this.#prepare(document, document.loc?.source.body, 0);
      this.#byNode.set(document, prepared);
    }
    return prepared;
  }

  /** Picks the operation to run, with graphql-js's own messages for the two ways this can fail. */
  selectOperation(prepared: PreparedDocument, operationName: string | undefined | null): OperationDefinitionNode | GraphQLError {
    if (operationName) {
      return prepared.operations.get(operationName) ?? new GraphQLError(`Unknown operation named "${operationName}".`, UNKNOWN_OPERATION);
    }
    if (prepared.operations.size !== 1) {
      return new GraphQLError(
        prepared.operations.size === 0 ? 'Must provide an operation.' : 'Must provide operation name if query contains multiple operations.',
        UNKNOWN_OPERATION,
      );
    }
    return prepared.operations.values().next().value!;
  }

  /**
   * Returns the plan for an operation, building it on first use. `scopes` are the verified
   * caller's (undefined while authentication is off): a plan leaves out what they may not read,
   * so it is cached per scope set.
   */
  plan(prepared: PreparedDocument, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>, scopes?: ReadonlySet<string>): Plan {
    if (prepared.text === undefined) {
      this.stats.planMisses += 1;
      return buildPlan({ blueprint: this.#blueprint, operation, fragments: prepared.fragments, variables, scopes });
    }
    let key = this.#baseKeys.get(operation);
    if (key === undefined) {
      key = `${operation.name?.value ?? ''}\u0000${prepared.text}`;
      this.#baseKeys.set(operation, key);
    }
    for (const name of prepared.conditionVariables) key += `\u0000${variables[name] === true ? 1 : 0}`;
    if (scopes !== undefined) key += this.scopeKey(scopes);
    const cached = this.#plans.get(key);
    if (cached) {
      this.stats.planHits += 1;
      return cached;
    }
    this.stats.planMisses += 1;
    const plan = buildPlan({ blueprint: this.#blueprint, operation, fragments: prepared.fragments, variables, scopes });
    this.#plans.set(key, plan);
    return plan;
  }

  /** The scope set's key (which of the schema's scopes it holds): plans, and calls shared in flight, are kept apart by it. */
  scopeKey(scopes: ReadonlySet<string>): string {
    let key = this.#scopeKeys.get(scopes);
    if (key === undefined) {
      key = '\u0001';
      for (const name of this.#blueprint.scopeNames) key += scopes.has(name) ? '1' : '0';
      this.#scopeKeys.set(scopes, key);
    }
    return key;
  }

  /** The operation's depth, aliases, root fields, directives and cost, measured on first use. */
  measure(prepared: PreparedDocument, operation: OperationDefinitionNode): OperationMeasures | GraphQLError {
    let measures = this.#measures.get(operation);
    if (measures === undefined) {
      try {
        measures = measureOperation(this.#blueprint.schema, prepared.document, operation, prepared.fragments, this.#defaultListSize);
      } catch (error) {
        if (!(error instanceof TooDeep)) throw error;
        measures = limitError(ErrorCodes.DEPTH_LIMIT, `The operation nests fields more than ${MAX_NESTING} deep through its fragments.`);
      }
      this.#measures.set(operation, measures);
    }
    return measures;
  }

  #prepare(document: DocumentNode, text: string | undefined, tokens: number): PreparedDocument {
    const operations = new Map<string, OperationDefinitionNode>();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of document.definitions) {
      if (def.kind === Kind.OPERATION_DEFINITION) operations.set(def.name?.value ?? '', def);
      else if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const conditionVariables = new Set<string>();
    visit(document, {
      Directive(node) {
        if (node.name.value !== 'skip' && node.name.value !== 'include') return;
        for (const arg of node.arguments ?? []) {
          if (arg.value.kind === Kind.VARIABLE) conditionVariables.add(arg.value.name.value);
        }
      },
    });
    return { text, document, operations, fragments, conditionVariables: [...conditionVariables].sort(), tokens };
  }
}
