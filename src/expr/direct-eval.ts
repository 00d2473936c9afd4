import type { CelAst } from './ast.ts';
import type { VariableDecl } from './analyze.ts';

/**
 * Returned by a direct evaluator when it cannot be sure of the answer: a type it does not
 * handle, a missing key, an overflow, anything CEL would report as an error. The caller then
 * runs the real CEL evaluation, which gives the exact value or the exact error.
 */
export const DEFER: unique symbol = Symbol('defer to CEL');

/** Bindings as `CompiledExpression.evaluate` receives them: variable → CEL input (Maps, bigints, …). */
type Bindings = Readonly<Record<string, unknown>>;
export type DirectEvaluator = (bindings: Bindings) => unknown;

const MAX_INT = 9223372036854775807n;
const MIN_INT = -9223372036854775808n;

/**
 * Compiles the common subset of CEL (literals, variable and field reads, `? :`, `&&`, `||`, `!`,
 * comparisons, arithmetic, indexing, `size`, `in`, `contains`/`startsWith`/`endsWith`) to plain closures.
 * cel-es interprets a generic plan per evaluation (activations, attribute resolution, overload
 * dispatch), which costs about a microsecond per node; a computed field runs once per object of
 * the response, so that cost multiplies. The closures mirror cel-es's own operators (its
 * `std/math.js`, `std/logic.js`, `equals.js`) on the values they handle, and answer DEFER on
 * everything else, so results and errors stay exactly CEL's. Returns undefined when the
 * expression uses anything outside the subset (macros, list and map literals, other functions):
 * those always run on cel-es.
 */
export function compileDirect(root: CelAst, variables: Readonly<Record<string, VariableDecl>>): DirectEvaluator | undefined {
  try {
    const run = node(root, variables);
    // Only plain values leave the direct path: a Map or list result is converted by CEL's rules.
    return (bindings) => {
      const value = run(bindings);
      return value === null || typeof value !== 'object' ? value : DEFER;
    };
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

const UNSUPPORTED = Symbol('unsupported');

function node(ast: CelAst | undefined, variables: Readonly<Record<string, VariableDecl>>): DirectEvaluator {
  if (!ast) throw UNSUPPORTED;
  const kind = ast.exprKind;
  switch (kind.case) {
    case 'constExpr': {
      const constant = kind.value.constantKind;
      switch (constant.case) {
        case 'int64Value':
        case 'doubleValue':
        case 'stringValue':
        case 'boolValue': {
          const value = constant.value;
          return () => value;
        }
        case 'nullValue':
          return () => null;
        default:
          throw UNSUPPORTED;
      }
    }
    case 'identExpr': {
      const name = kind.value.name;
      if (!Object.hasOwn(variables, name)) throw UNSUPPORTED;
      return (b) => {
        const value = b[name];
        return value === undefined ? DEFER : value;
      };
    }
    case 'selectExpr': {
      const operand = node(kind.value.operand, variables);
      const field = kind.value.field;
      if (kind.value.testOnly) {
        return (b) => {
          const map = operand(b);
          return map instanceof Map ? map.has(field) : DEFER;
        };
      }
      return (b) => {
        const map = operand(b);
        if (!(map instanceof Map)) return DEFER;
        const value = map.get(field) as unknown;
        return value === undefined ? DEFER : value;
      };
    }
    case 'callExpr':
      return call(kind.value.function, kind.value.target, kind.value.args, variables);
    default:
      throw UNSUPPORTED;
  }
}

function call(fn: string, target: CelAst | undefined, argAsts: readonly CelAst[], variables: Readonly<Record<string, VariableDecl>>): DirectEvaluator {
  const args = (target ? [target, ...argAsts] : argAsts).map((a) => node(a, variables));
  const arity = (n: number) => {
    if (args.length !== n) throw UNSUPPORTED;
  };
  switch (fn) {
    case '_?_:_': {
      arity(3);
      const [cond, then, otherwise] = args as [DirectEvaluator, DirectEvaluator, DirectEvaluator];
      return (b) => {
        const c = cond(b);
        return c === true ? then(b) : c === false ? otherwise(b) : DEFER;
      };
    }
    case '_&&_':
    case '_||_': {
      arity(2);
      const [left, right] = args as [DirectEvaluator, DirectEvaluator];
      // CEL's logic is commutative: any false (for &&) decides, whatever the other side is.
      const decisive = fn === '_&&_' ? false : true;
      return (b) => {
        const l = left(b);
        if (l === decisive) return decisive;
        const r = right(b);
        if (r === decisive) return decisive;
        return typeof l === 'boolean' && typeof r === 'boolean' ? !decisive : DEFER;
      };
    }
    case '!_': {
      arity(1);
      const [operand] = args as [DirectEvaluator];
      return (b) => {
        const v = operand(b);
        return typeof v === 'boolean' ? !v : DEFER;
      };
    }
    case '-_': {
      arity(1);
      const [operand] = args as [DirectEvaluator];
      return (b) => {
        const v = operand(b);
        if (typeof v === 'number') return -v;
        if (typeof v === 'bigint') return checkedInt(-v);
        return DEFER;
      };
    }
    case '_==_':
    case '_!=_': {
      arity(2);
      const [left, right] = args as [DirectEvaluator, DirectEvaluator];
      const negate = fn === '_!=_';
      return (b) => {
        const eq = equalScalars(left(b), right(b));
        return eq === DEFER ? DEFER : eq !== negate;
      };
    }
    case '_<_':
    case '_<=_':
    case '_>_':
    case '_>=_': {
      arity(2);
      const [left, right] = args as [DirectEvaluator, DirectEvaluator];
      const test = COMPARE[fn]!;
      return (b) => {
        const order = compare(left(b), right(b));
        return order === DEFER ? DEFER : test(order);
      };
    }
    case '_+_':
    case '_-_':
    case '_*_':
    case '_/_':
    case '_%_': {
      arity(2);
      const [left, right] = args as [DirectEvaluator, DirectEvaluator];
      const op = ARITHMETIC[fn]!;
      return (b) => op(left(b), right(b));
    }
    case '_[_]': {
      arity(2);
      const [container, index] = args as [DirectEvaluator, DirectEvaluator];
      return (b) => {
        const c = container(b);
        const i = index(b);
        if (c instanceof Map && typeof i === 'string') {
          const value = c.get(i) as unknown;
          return value === undefined ? DEFER : value;
        }
        if (Array.isArray(c) && typeof i === 'bigint' && i >= 0n && i < BigInt(c.length)) return c[Number(i)] as unknown;
        return DEFER;
      };
    }
    case 'size': {
      arity(1);
      const [operand] = args as [DirectEvaluator];
      return (b) => {
        const v = operand(b);
        // CEL counts a string's code points, not its UTF-16 units.
        if (typeof v === 'string') return BigInt(countCodePoints(v));
        if (Array.isArray(v)) return BigInt(v.length);
        if (v instanceof Map) return BigInt(v.size);
        return DEFER;
      };
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      if (!target) throw UNSUPPORTED;
      arity(2);
      const [text, part] = args as [DirectEvaluator, DirectEvaluator];
      const method = fn === 'contains' ? String.prototype.includes : fn === 'startsWith' ? String.prototype.startsWith : String.prototype.endsWith;
      return (b) => {
        const t = text(b);
        const p = part(b);
        return typeof t === 'string' && typeof p === 'string' ? method.call(t, p) : DEFER;
      };
    }
    case '@in': {
      arity(2);
      const [needle, haystack] = args as [DirectEvaluator, DirectEvaluator];
      return (b) => {
        const value = needle(b);
        const list = haystack(b);
        if (!Array.isArray(list)) return DEFER;
        let unsure = false;
        for (const item of list) {
          const eq = equalScalars(item, value);
          if (eq === true) return true;
          if (eq === DEFER) unsure = true;
        }
        return unsure ? DEFER : false;
      };
    }
    default:
      throw UNSUPPORTED;
  }
}

/** CEL equality (equals.js) on scalars: numbers across int and double, everything else by type and value. */
function equalScalars(l: unknown, r: unknown): boolean | typeof DEFER {
  if (!isScalar(l) || !isScalar(r)) return DEFER;
  if (l === r) return true;
  if ((typeof l === 'number' || typeof l === 'bigint') && (typeof r === 'number' || typeof r === 'bigint')) return l == r;
  return false;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean';
}

/** CEL ordering (std/logic.js): same-type bool, string, int, double; int against double through Number(). */
function compare(l: unknown, r: unknown): number | typeof DEFER {
  const tl = typeof l;
  const tr = typeof r;
  let a: number | bigint | string | boolean;
  let b: number | bigint | string | boolean;
  if (tl === tr && (tl === 'number' || tl === 'bigint' || tl === 'string' || tl === 'boolean')) {
    a = l as number;
    b = r as number;
  } else if (tl === 'bigint' && tr === 'number') {
    a = Number(l);
    b = r as number;
  } else if (tl === 'number' && tr === 'bigint') {
    a = l as number;
    b = Number(r);
  } else {
    return DEFER;
  }
  // NaN compares false every way, as in CEL: report "unordered" so every test answers false.
  return a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN;
}

const COMPARE: Record<string, (order: number) => boolean> = {
  '_<_': (o) => o < 0,
  '_<=_': (o) => o <= 0,
  '_>_': (o) => o > 0,
  '_>=_': (o) => o >= 0,
};

/** CEL arithmetic (std/math.js) on two ints, two doubles or two strings (`+` only); overflow and division by zero defer. */
const ARITHMETIC: Record<string, (l: unknown, r: unknown) => unknown> = {
  '_+_': (l, r) => {
    if (typeof l === 'bigint' && typeof r === 'bigint') return checkedInt(l + r);
    if (typeof l === 'number' && typeof r === 'number') return l + r;
    if (typeof l === 'string' && typeof r === 'string') return l + r;
    return DEFER;
  },
  '_-_': (l, r) => {
    if (typeof l === 'bigint' && typeof r === 'bigint') return checkedInt(l - r);
    if (typeof l === 'number' && typeof r === 'number') return l - r;
    return DEFER;
  },
  '_*_': (l, r) => {
    if (typeof l === 'bigint' && typeof r === 'bigint') return checkedInt(l * r);
    if (typeof l === 'number' && typeof r === 'number') return l * r;
    return DEFER;
  },
  '_/_': (l, r) => {
    if (typeof l === 'bigint' && typeof r === 'bigint') return r === 0n ? DEFER : checkedInt(l / r);
    if (typeof l === 'number' && typeof r === 'number') return l / r;
    return DEFER;
  },
  '_%_': (l, r) => {
    if (typeof l === 'bigint' && typeof r === 'bigint') return r === 0n ? DEFER : l % r;
    return DEFER;
  },
};

function checkedInt(v: bigint): bigint | typeof DEFER {
  return v >= MIN_INT && v <= MAX_INT ? v : DEFER;
}

function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point; a lone surrogate counts alone, as in [...text].
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
