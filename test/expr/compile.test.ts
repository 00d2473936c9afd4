import { describe, expect, test } from 'vitest';
import { CALLER_LIMITS, OPERATOR_LIMITS, compileExpression, objectView, toCel, type ExprLimits, type ShapeField, type VariableDecl } from '../../src/expr/index.ts';
import { ExprError } from '../../src/errors/gateway-error.ts';

const customerFields: ShapeField[] = [
  { name: 'points', read: (raw) => (raw as Record<string, unknown>).points, shape: { kind: 'int' } },
  { name: 'name', read: (raw) => (raw as Record<string, unknown>).full_name, shape: { kind: 'string' } },
  { name: 'tags', read: (raw) => (raw as Record<string, unknown>).tags, shape: { kind: 'list', of: { kind: 'string' } } },
  { name: 'ratio', read: (raw) => (raw as Record<string, unknown>).ratio, shape: { kind: 'float' } },
];
const variables: Record<string, VariableDecl> = {
  parent: { kind: 'object', typeName: 'Customer', fields: new Set(customerFields.map((f) => f.name)) },
  args: { kind: 'value' },
};
const customer = { points: 41_000, full_name: 'Ada Lovelace', tags: ['vip', 'b2b'], ratio: 0.5 };

/** Compiles and evaluates against the customer above; returns the value or the error's code, message and position. */
function run(source: string, options: { limits?: ExprLimits; raw?: object; args?: unknown } = {}) {
  const limits = options.limits ?? OPERATOR_LIMITS;
  try {
    const expr = compileExpression(source, { limits, variables });
    const fields = customerFields.filter((f) => expr.reads.get('parent')?.includes(f.name));
    return { value: expr.evaluate({ parent: objectView(options.raw ?? customer, fields, limits), args: toCel(options.args ?? {}, { kind: 'json' }, limits, 1) }) };
  } catch (error) {
    if (!(error instanceof ExprError)) throw error;
    return { code: error.code, message: error.message, at: error.position && `${error.position.line}:${error.position.column}` };
  }
}

describe('expr: evaluation of typical expressions', () => {
  test.for([
    { source: 'parent.points >= 40000 ? "platinum" : parent.points >= 20000 ? "gold" : "silver"', value: 'platinum' },
    { source: 'parent.points + 1', value: 41_001 },
    { source: 'parent.ratio * 2.0', value: 1 },
    { source: 'parent.name.startsWith("Ada") && "vip" in parent.tags', value: true },
    { source: 'parent.tags.map(t, t.upperAscii())', value: ['VIP', 'B2B'] },
    { source: 'parent.tags.filter(t, t != "vip")', value: ['b2b'] },
    { source: 'size(parent.name)', value: 12 },
    { source: 'parent.name.split(" ")[1]', value: 'Lovelace' },
    { source: '{"a": parent.points}', value: { a: 41_000 } },
    { source: 'parent["points"] > 0', value: true },
    { source: 'parent.name.matches("^A[a-z]+ L")', value: true },
    { source: 'args.limit * 2.0', value: 6, args: { limit: 3 } },
  ])('$source → $value', ({ source, value, args }) => {
    expect(run(source, { args })).toEqual({ value });
  });

  test('reads lists exactly the parent fields used, in first-use order', () => {
    const expr = compileExpression('parent.tags.exists(t, t == parent.name) || has(parent.points)', { limits: OPERATOR_LIMITS, variables });
    expect(expr.reads.get('parent')).toEqual(['tags', 'name', 'points']);
  });

  test('a null input stays null: comparing it is an evaluation error at the operator', () => {
    expect(run('parent.points >= 10', { raw: { points: null } })).toEqual({
      code: 'EXPR_EVALUATION_FAILED',
      message: "found no matching overload for '_>=_' applied to '(null_type, int)'",
      at: '1:15',
    });
  });
});

describe('expr: refused at compile time, with the position in the expression', () => {
  test.for([
    { name: 'syntax', source: 'parent.points >', code: 'EXPR_SYNTAX', at: '1:15' },
    { name: 'empty', source: '  ', code: 'EXPR_SYNTAX', at: '1:1' },
    { name: 'unknown variable', source: 'process.env', code: 'EXPR_UNKNOWN_REFERENCE', at: '1:1' },
    { name: 'unknown field', source: 'parent.pionts > 1', code: 'EXPR_UNKNOWN_REFERENCE', at: '1:7' },
    { name: 'constructor', source: 'parent.constructor', code: 'EXPR_UNKNOWN_REFERENCE', at: '1:7' },
    { name: '__proto__', source: 'parent.__proto__', code: 'EXPR_UNKNOWN_REFERENCE', at: '1:7' },
    { name: 'computed field name', source: 'parent["po" + "ints"]', code: 'EXPR_FORBIDDEN', at: '1:7' },
    { name: 'whole object', source: 'size(parent)', code: 'EXPR_FORBIDDEN', at: '1:6' },
    { name: 'message construction', source: 'google.protobuf.Value{}', code: 'EXPR_FORBIDDEN', at: '1:1' },
    { name: 'bad regex', source: 'parent.name.matches("(")', code: 'EXPR_SYNTAX', at: '1:21' },
    { name: 'nested comprehensions over the limit', source: 'parent.tags.all(a, parent.tags.all(b, parent.tags.all(c, a == b)))', code: 'EXPR_TOO_COMPLEX', at: '1:50' },
    { name: 'too long', source: `parent.points + ${'1 + '.repeat(600)}1`, code: 'EXPR_TOO_COMPLEX', at: '1:2001' },
  ])('$name: $code at $at', ({ source, code, at }) => {
    expect(run(source)).toMatchObject({ code, at });
  });

  test('the message says what was expected', () => {
    expect(run('parent.pionts > 1')).toEqual({
      code: 'EXPR_UNKNOWN_REFERENCE',
      message: 'expected a field of Customer (points, name, tags, ratio); got parent.pionts',
      at: '1:7',
    });
  });
});

describe('expr: result kinds are checked when the text tells them', () => {
  test.for([
    { source: 'parent.points > 1', expect: 'bool', ok: true },
    { source: 'parent.points', expect: 'bool', ok: true },
    { source: "parent.points == null ? null : 'x'", expect: 'string', ok: true },
    { source: "parent.points > 1 ? 'a' : 2", expect: 'string', ok: true },
    { source: 'parent.tags.map(t, t)', expect: 'list', ok: true },
    { source: 'parent.tags.exists(t, t == "a")', expect: 'bool', ok: true },
    { source: "'yes'", expect: 'bool', ok: false },
    { source: 'size(parent.tags)', expect: 'string', ok: false },
    { source: "parent.name + '!'", expect: 'number', ok: true },
    { source: "'a' + '!'", expect: 'number', ok: false },
    { source: 'parent.tags.filter(t, t == "a")', expect: 'bool', ok: false },
    { source: '{"a": 1}', expect: 'string', ok: false },
  ] as const)('$source as $expect: $ok', ({ source, expect: kind, ok }) => {
    const compile = () => compileExpression(source, { limits: OPERATOR_LIMITS, variables, expect: kind });
    if (ok) expect(compile).not.toThrow();
    else expect(compile).toThrow(expect.objectContaining({ code: 'EXPR_TYPE_MISMATCH' }));
  });
});

describe('expr: caller limits are stricter', () => {
  test.for([
    { name: 'regex forbidden', source: 'parent.name.matches("a")', code: 'EXPR_FORBIDDEN' },
    { name: 'one level of map/filter only', source: 'parent.tags.all(a, parent.tags.all(b, a == b))', code: 'EXPR_TOO_COMPLEX' },
    { name: 'short source', source: `parent.points > ${'1 + '.repeat(130)}1`, code: 'EXPR_TOO_COMPLEX' },
    { name: 'few operations', source: Array.from({ length: 60 }, () => 'parent.points').join(' + '), code: 'EXPR_TOO_COMPLEX' },
  ])('$name', ({ source, code }) => {
    expect(run(source, { limits: CALLER_LIMITS })).toMatchObject({ code });
  });
  test('the same expressions pass with operator limits', () => {
    expect(run('parent.tags.all(a, parent.tags.all(b, a == b))')).toEqual({ value: false });
  });
});

describe('expr: escape attempts fail with a clear error', () => {
  test.for([
    { name: 'huge list input', raw: { tags: Array.from({ length: 5_000 }, (_, i) => `t${i}`) }, source: 'parent.tags.map(t, t + t)', code: 'EXPR_LIMIT_EXCEEDED' },
    { name: 'huge string input', raw: { full_name: 'x'.repeat(100_000) }, source: 'size(parent.name)', code: 'EXPR_LIMIT_EXCEEDED' },
    { name: 'deeply nested input', raw: { tags: JSON.parse('['.repeat(40) + ']'.repeat(40)) as unknown }, source: 'size(parent.tags)', code: 'EXPR_LIMIT_EXCEEDED' },
    { name: 'deeply nested expression', raw: customer, source: `${'['.repeat(100)}1${']'.repeat(100)}`, code: 'EXPR_TOO_COMPLEX' },
    { name: 'string growth by nesting', raw: customer, source: `[${Array.from({ length: 200 }, () => 'parent.name + parent.name').join(', ')}]`, code: 'EXPR_TOO_COMPLEX' },
    { name: 'quadratic map over map', raw: customer, source: 'parent.tags.map(a, parent.tags.map(b, parent.tags.map(c, a + b + c)))', code: 'EXPR_TOO_COMPLEX' },
    { name: 'integer overflow', raw: customer, source: '9223372036854775807 + parent.points', code: 'EXPR_EVALUATION_FAILED' },
    { name: 'division by zero', raw: customer, source: 'parent.points / 0', code: 'EXPR_EVALUATION_FAILED' },
  ])('$name → $code', ({ raw, source, code }) => {
    expect(run(source, { raw })).toMatchObject({ code });
  });

  test('a pathological regex is answered (RE2), where a backtracking engine would need 2^30000 steps', () => {
    expect(run('parent.name.matches("^(a+)+$")', { raw: { full_name: `${'a'.repeat(30_000)}b` } })).toEqual({ value: false });
  });

  // What only a backtracking engine can do is refused: the patterns run on RE2, linear in the text.
  test.for([
    { name: 'a back-reference', pattern: '(a)\\\\1' },
    { name: 'a look-ahead', pattern: 'a(?=b)' },
  ])('a pattern with $name is refused', ({ pattern }) => {
    expect(run(`parent.name.matches("${pattern}")`)).toMatchObject({ code: 'EXPR_SYNTAX', message: expect.stringMatching(/^expected an RE2 regular expression: /) });
  });

  test('a pattern that comes from data is checked when it runs', () => {
    const expr = compileExpression('parent.name.matches(parent.tags[0])', { limits: OPERATOR_LIMITS, variables });
    const fields = customerFields.filter((f) => f.name === 'name' || f.name === 'tags');
    const evaluate = (pattern: string) => expr.evaluate({ parent: objectView({ full_name: 'abc', tags: [pattern] }, fields, OPERATOR_LIMITS) });
    expect(evaluate('^a')).toBe(true);
    expect(() => evaluate('a'.repeat(2_000))).toThrow(expect.objectContaining({ code: 'EXPR_EVALUATION_FAILED', message: 'pattern longer than 1000 characters' }));
    expect(() => evaluate('(')).toThrow(expect.objectContaining({ code: 'EXPR_EVALUATION_FAILED' }));
  });
});
