import type { CelAst } from './ast.ts';

/** What an expression's result is, as far as its text alone tells; `unknown` defers to run time. */
export type ResultKind = 'bool' | 'number' | 'string' | 'list' | 'map' | 'null' | 'unknown';

const BOOL_FUNCTIONS = new Set([
  '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_&&_', '_||_', '!_', '@in', '@not_strictly_false',
  'contains', 'startsWith', 'endsWith', 'matches', 'bool',
]);
const NUMBER_FUNCTIONS = new Set(['size', 'int', 'uint', 'double', 'indexOf', 'lastIndexOf', '-_']);
const STRING_FUNCTIONS = new Set(['string', 'lowerAscii', 'upperAscii', 'trim', 'substring', 'charAt', 'join']);

/**
 * A light type inference over the AST: enough to refuse, at compile time, a filter that can
 * never be a bool or a computed String field whose expression is a list. CEL's own checker
 * is not part of the library's public API, so we do not lean on it.
 */
export function resultKind(node: CelAst | undefined): ResultKind {
  if (!node) return 'unknown';
  const kind = node.exprKind;
  switch (kind.case) {
    case 'constExpr':
      switch (kind.value.constantKind.case) {
        case 'boolValue':
          return 'bool';
        case 'int64Value':
        case 'uint64Value':
        case 'doubleValue':
          return 'number';
        case 'stringValue':
          return 'string';
        case 'nullValue':
          return 'null';
        default:
          return 'unknown';
      }
    case 'listExpr':
      return 'list';
    case 'structExpr':
      return 'map';
    case 'selectExpr':
      return kind.value.testOnly ? 'bool' : 'unknown';
    case 'comprehensionExpr': {
      // Macros: exists/all give a bool accumulator, map/filter a list.
      return resultKind(kind.value.accuInit) === 'list' ? 'list' : resultKind(kind.value.accuInit) === 'bool' ? 'bool' : 'unknown';
    }
    case 'callExpr': {
      const fn = kind.value.function;
      if (BOOL_FUNCTIONS.has(fn)) return 'bool';
      if (NUMBER_FUNCTIONS.has(fn)) return 'number';
      if (STRING_FUNCTIONS.has(fn)) return 'string';
      if (fn === 'split') return 'list';
      if (fn === '_?_:_') {
        const a = resultKind(kind.value.args[1]);
        const b = resultKind(kind.value.args[2]);
        if (a === b) return a;
        if (a === 'null') return b;
        if (b === 'null') return a;
        return 'unknown';
      }
      if (fn === '_+_') {
        const a = resultKind(kind.value.args[0]);
        const b = resultKind(kind.value.args[1]);
        return a === b && a !== 'null' ? a : 'unknown';
      }
      if (fn === '_-_' || fn === '_*_' || fn === '_/_' || fn === '_%_') return 'number';
      return 'unknown';
    }
    default:
      return 'unknown';
  }
}

/** True when a value of kind `actual` can never be of kind `expected`. */
export function cannotBe(actual: ResultKind, expected: Exclude<ResultKind, 'unknown' | 'null'>): boolean {
  return actual !== 'unknown' && actual !== 'null' && actual !== expected;
}
