/**
 * Bounds on one expression. CEL has no loops or recursion, so the work an expression can do is
 * bounded by its size and by the size of its inputs raised to the depth of its comprehensions
 * (cel-go's cost estimator rests on the same fact). We check the static part at compile time and
 * the input sizes when values enter an evaluation.
 */
export interface ExprLimits {
  /** Longest expression text, in UTF-16 units. */
  maxSourceLength: number;
  /** Most AST nodes (after macro expansion). */
  maxAstNodes: number;
  /** Deepest AST nesting. */
  maxDepth: number;
  /** Most comprehensions (`map`, `filter`, `exists`, `all`) nested in one another. */
  maxComprehensionDepth: number;
  /** Longest list an expression may receive (input lists are checked when converted). */
  maxListLength: number;
  /** Longest string an expression may receive or return. */
  maxStringLength: number;
  /** Deepest nesting of input objects and lists. */
  maxInputDepth: number;
  /** Static cost ceiling: AST nodes weighted by maxListLength per enclosing comprehension. */
  maxCost: number;
  /** Whether `matches()` (RE2 semantics: linear time, no backtracking) may be used. */
  allowRegex: boolean;
  /** Longest regular expression pattern. */
  maxRegexLength: number;
}

/** Operator expressions, written in schemas/ and reviewed like code. */
export const OPERATOR_LIMITS: Readonly<ExprLimits> = Object.freeze({
  maxSourceLength: 2_000,
  maxAstNodes: 500,
  maxDepth: 32,
  maxComprehensionDepth: 2,
  // cel-es expands a macro into list concatenations whose cost grows faster than linearly and
  // whose depth grows with the list; 1 000 items stays well inside both (measured).
  maxListLength: 1_000,
  maxStringLength: 65_536, // 64 KiB
  maxInputDepth: 16,
  // Measured worst case at this ceiling: two nested all() over 1 000 items each, about 0.5 s.
  maxCost: 10_000_000,
  allowRegex: true,
  maxRegexLength: 1_000,
});

/** Caller expressions, sent in a query by someone we do not trust: much tighter. */
export const CALLER_LIMITS: Readonly<ExprLimits> = Object.freeze({
  maxSourceLength: 500,
  maxAstNodes: 100,
  maxDepth: 16,
  maxComprehensionDepth: 1,
  maxListLength: 100,
  maxStringLength: 4_096, // 4 KiB
  maxInputDepth: 8,
  maxCost: 20_000,
  allowRegex: false,
  maxRegexLength: 0,
});
