import { describe, expect, test } from 'vitest';
import { isCelError, parse, plan } from '@bufbuild/cel';
import { compileDirect, DEFER } from '../../src/expr/direct-eval.ts';
import { createEnvironment } from '../../src/expr/environment.ts';
import { OPERATOR_LIMITS, type VariableDecl } from '../../src/expr/index.ts';
import type { CelAst } from '../../src/expr/ast.ts';

const variables: Record<string, VariableDecl> = {
  parent: { kind: 'object', typeName: 'Customer', fields: new Set(['points', 'ratio', 'name', 'tags', 'nothing', 'emoji', 'big', 'nan']) },
  item: { kind: 'value' },
};
const bindings = {
  parent: new Map<string, unknown>([
    ['points', 41_000n],
    ['ratio', 0.5],
    ['name', 'Ada Lovelace'],
    ['tags', ['vip', 'b2b']],
    ['nothing', null],
    ['emoji', 'a😀b'],
    ['big', 9223372036854775807n],
    ['nan', Number.NaN],
  ]),
  item: 7n,
};
const env = createEnvironment(OPERATOR_LIMITS);

/** What cel-es itself answers: the value, or `error` for any evaluation error. */
function celAnswer(source: string): unknown {
  const result = (plan(env, parse(source)) as (b: Record<string, unknown>) => unknown)(bindings);
  return isCelError(result) ? 'error' : result;
}

function directAnswer(source: string): unknown {
  const run = compileDirect(parse(source).expr as unknown as CelAst, variables);
  return run === undefined ? 'not compiled' : run(bindings);
}

describe('expr: the direct evaluator answers exactly as cel-es, or defers to it', () => {
  // Answered directly: the value must be cel-es's own, type included (int stays bigint, double a number).
  test.for([
    "parent.points == null ? null : parent.points >= 40000 ? 'platinum' : parent.points >= 25000 ? 'gold' : 'bronze'",
    'parent.nothing == null',
    'parent.points == 41000.0',
    'parent.points != 41000',
    'parent.points == "41000"',
    'parent.ratio < 1',
    'parent.points > 40999.5',
    '1.0 <= parent.ratio',
    'parent.name < "Ada" || parent.name >= "Ad"',
    'false < true',
    'parent.points + 1',
    'parent.points - 41001',
    'parent.points * 2',
    'parent.points / 7',
    '-parent.points / 7',
    'parent.points % 7',
    '-parent.points % 7',
    'parent.ratio / 0.0',
    'parent.ratio * 3.0 - 1.0',
    '-parent.ratio',
    'parent.name + "!"',
    '!(parent.points > 1)',
    'parent.points > 1 && parent.ratio < 1.0',
    'parent.points < 1 || parent.ratio < 1.0',
    'parent.nothing > 1 && false',
    'parent.nothing > 1 || true',
    'size(parent.name) + parent.name.size()',
    'size(parent.emoji)',
    'size(parent.tags)',
    'parent.name.contains("Love") && parent.name.startsWith("Ada") && !parent.name.endsWith("x")',
    '"vip" in parent.tags',
    '"x" in parent.tags',
    'parent["points"] > 0',
    'parent.tags[1]',
    'has(parent.points)',
    'item * 2',
    'parent.nan == parent.nan',
    'parent.nan < 1.0 || parent.nan >= 1.0',
  ])('%s', (source) => {
    const direct = directAnswer(source);
    expect(direct).not.toBe(DEFER);
    expect(direct).toBe(celAnswer(source));
  });

  // Deferred: errors, overflow, mixed types and values the closures do not model are left to cel-es.
  test.for([
    'parent.nothing >= 10',
    'parent.points + 1.0',
    'parent.big + 1',
    'parent.points / 0',
    'parent.points % 0',
    'parent.ratio % 2.0',
    'parent.name ? 1 : 2',
    'parent.nothing && true',
    '!parent.name',
    'parent.tags[5]',
    'parent["missing"]',
    'parent.tags',
    '1 in parent.nothing',
  ])('%s defers', (source) => {
    expect(directAnswer(source)).toBe(DEFER);
  });

  // Not compiled at all: macros, literals of lists and maps, other functions.
  test.for(['parent.tags.exists(t, t == "vip")', '[1, 2][0]', '{"a": 1}.a', 'parent.name.upperAscii()', 'int(parent.ratio)', '1u + 2u', 'type(parent.points) == int'])(
    '%s runs on cel-es only',
    (source) => {
      expect(directAnswer(source)).toBe('not compiled');
    },
  );
});
