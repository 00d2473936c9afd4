/**
 * The limits every GraphQL document is held to before anything runs (docs/config.md, "Operation
 * limits"). A value equal to its limit passes; one more is refused with the limit's code.
 */
export interface OperationLimits {
  /** UTF-8 bytes of the document text. */
  maxDocumentBytes: number;
  /** Lexical tokens (punctuation, names, values); counted while lexing, before any parse. */
  maxTokens: number;
  /** Nesting of fields in the operation, fragments followed (root fields are depth 1). */
  maxDepth: number;
  /** Fields given an alias, fragments followed. */
  maxAliases: number;
  /** Fields selected at the operation's root, fragments followed. */
  maxRootFields: number;
  /** Directives used anywhere in the document. */
  maxDirectives: number;
  /** The cost estimate (see measure-operation.ts). */
  maxCost: number;
  /** The size assumed for a list whose size no argument states. */
  defaultListSize: number;
}

export type LimitName = Exclude<keyof OperationLimits, 'defaultListSize'>;

/** Safe with no gateway.yaml at all: generous for hand-written and generated client queries. */
export const LIMIT_DEFAULTS: Readonly<OperationLimits> = Object.freeze({
  maxDocumentBytes: 65_536, // 64 KiB
  maxTokens: 10_000,
  maxDepth: 15,
  maxAliases: 100,
  maxRootFields: 50,
  maxDirectives: 50,
  maxCost: 50_000,
  defaultListSize: 10,
});

/**
 * Brackets (`{`, `[`, `(`) nested deeper than this are refused before graphql-js parses the
 * document: its parser recurses once per level, and this bound keeps it far from the stack's end.
 * `maxDepth` may not be set above it.
 */
export const MAX_NESTING = 200;

/** The same limits as written in gateway.yaml: any of them, for everyone and per caller id. */
export interface LimitsConfig {
  default: Partial<OperationLimits>;
  callers: Record<string, Partial<OperationLimits>>;
}

/**
 * Resolves each caller's limits once (caller's > gateway-wide > default), so a request does one
 * map lookup. `lexTokenCap` is the most tokens any caller may send: the lexer stops there.
 */
export class LimitPolicy {
  readonly defaults: Readonly<OperationLimits>;
  readonly lexTokenCap: number;
  readonly #byCaller: ReadonlyMap<string, Readonly<OperationLimits>>;

  constructor(config: LimitsConfig = { default: {}, callers: {} }) {
    this.defaults = Object.freeze({ ...LIMIT_DEFAULTS, ...config.default });
    const byCaller = new Map<string, Readonly<OperationLimits>>();
    for (const [caller, limits] of Object.entries(config.callers)) byCaller.set(caller, Object.freeze({ ...this.defaults, ...limits }));
    this.#byCaller = byCaller;
    this.lexTokenCap = Math.max(this.defaults.maxTokens, ...[...byCaller.values()].map((l) => l.maxTokens));
  }

  for(callerId: string | undefined): Readonly<OperationLimits> {
    return callerId === undefined ? this.defaults : (this.#byCaller.get(callerId) ?? this.defaults);
  }
}
