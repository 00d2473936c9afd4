import { isCelError, parse, plan, type CelEnv, type CelError } from '@bufbuild/cel';
import { ErrorCodes } from '../errors/codes.ts';
import { ExprError } from '../errors/gateway-error.ts';
import { analyze, type VariableDecl } from './analyze.ts';
import type { CelAst, PositionTable } from './ast.ts';
import { createEnvironment } from './environment.ts';
import type { ExprLimits } from './limits.ts';
import { positionAt } from './position.ts';
import { fromCel } from './values.ts';
import { cannotBe, resultKind, type ResultKind } from './result-kind.ts';
import { compileDirect, DEFER } from './direct-eval.ts';

export interface CompileOptions {
  limits: ExprLimits;
  /** What the expression may refer to; object variables list the fields that can be read. */
  variables: Readonly<Record<string, VariableDecl>>;
  /** The kind of result the caller needs (a filter needs a bool); refused at compile time when it can never be that. */
  expect?: Exclude<ResultKind, 'unknown' | 'null'>;
}

/** An expression parsed, checked and planned once; evaluated many times. */
export interface CompiledExpression {
  readonly source: string;
  /** For each object variable, the fields the expression reads, in first-use order. */
  readonly reads: ReadonlyMap<string, readonly string[]>;
  /** Estimated worst-case cost per evaluation (see limits.ts). */
  readonly cost: number;
  /** The result's kind when the text alone tells it (`unknown` otherwise). */
  readonly resultKind: ResultKind;
  /**
   * Evaluates against bindings already converted with `objectView`/`toCel`. Returns plain JSON
   * values. Throws only ExprError (with the position of the failing sub-expression).
   */
  evaluate(bindings: Readonly<Record<string, unknown>>): unknown;
}

const environments = new WeakMap<ExprLimits, CelEnv>();

/**
 * Compiles a CEL expression: parse, check (variables, fields, limits), plan. Throws ExprError
 * with a position inside `source` for anything refused, so callers can point at it.
 */
export function compileExpression(source: string, options: CompileOptions): CompiledExpression {
  const { limits } = options;
  if (source.length > limits.maxSourceLength) {
    throw new ExprError(ErrorCodes.EXPR_TOO_COMPLEX, `expected an expression of at most ${limits.maxSourceLength} characters; got ${source.length}`, {
      position: positionAt(source, limits.maxSourceLength),
    });
  }
  if (source.trim() === '') throw new ExprError(ErrorCodes.EXPR_SYNTAX, 'expected an expression; got an empty string', { position: positionAt(source, 0) });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    throw syntaxError(source, error);
  }
  const positions = (parsed.sourceInfo?.positions ?? {}) as PositionTable;
  const analysis = analyze(parsed.expr as unknown as CelAst, source, positions, options.variables, limits);
  const kind = resultKind(parsed.expr as unknown as CelAst);
  if (options.expect && cannotBe(kind, options.expect)) {
    throw new ExprError(ErrorCodes.EXPR_TYPE_MISMATCH, `expected an expression that gives a ${options.expect}; this one gives a ${kind}`, {
      position: positionAt(source, positions[String(parsed.expr.id)] ?? 0),
    });
  }

  let env = environments.get(limits);
  if (!env) environments.set(limits, (env = createEnvironment(limits)));
  const run = plan(env, parsed) as (bindings: Record<string, unknown>) => unknown;
  // The common subset runs as plain closures; anything they are unsure of goes to cel-es.
  const direct = compileDirect(parsed.expr as unknown as CelAst, options.variables);
  const reads = new Map([...analysis.reads].map(([name, fields]) => [name, [...fields]] as const));

  return Object.freeze({
    source,
    reads,
    cost: analysis.cost,
    resultKind: kind,
    evaluate(bindings: Readonly<Record<string, unknown>>): unknown {
      let result = direct === undefined ? DEFER : direct(bindings);
      if (result === DEFER) {
        result = run(bindings as Record<string, unknown>);
        if (isCelError(result)) throw evaluationError(source, positions, result);
      }
      try {
        return fromCel(result, limits);
      } catch (error) {
        if (error instanceof ExprError) throw new ExprError(error.code, error.message, { position: positionAt(source, 0) });
        throw error;
      }
    },
  });
}

/** Turns the parser's exception into an ExprError at the parser's position. */
function syntaxError(source: string, error: unknown): ExprError {
  if (error instanceof RangeError) {
    return new ExprError(ErrorCodes.EXPR_TOO_COMPLEX, 'expected less deeply nested expression', { position: positionAt(source, 0) });
  }
  const parseError = error as { location?: { start?: { offset?: number } }; rawMessage?: string; message?: string };
  const offset = parseError.location?.start?.offset ?? 0;
  const detail = parseError.rawMessage ?? 'not a valid expression';
  return new ExprError(ErrorCodes.EXPR_SYNTAX, `expected a valid CEL expression: ${detail}`, { position: positionAt(source, offset), cause: error });
}

/** Maps a CEL evaluation error to our codes, at the position of the sub-expression that failed. */
function evaluationError(source: string, positions: PositionTable, error: CelError): ExprError {
  const offset = error.exprId === undefined ? 0 : (positions[String(error.exprId)] ?? 0);
  const position = positionAt(source, offset);
  const cause = findCause(error);
  if (cause instanceof RangeError) return new ExprError(ErrorCodes.EXPR_LIMIT_EXCEEDED, 'expected a smaller computation: the expression ran out of stack', { position });
  if (cause instanceof ExprError) return new ExprError(cause.code, cause.message, { position });
  return new ExprError(ErrorCodes.EXPR_EVALUATION_FAILED, error.message, { position });
}

function findCause(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 8 && current instanceof Error && current.cause !== undefined; i++) current = current.cause;
  return current;
}
