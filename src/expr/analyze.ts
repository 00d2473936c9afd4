import { RE2JS } from 're2js';
import { ErrorCodes, type ErrorCode } from '../errors/codes.ts';
import { ExprError } from '../errors/gateway-error.ts';
import type { CelAst, PositionTable } from './ast.ts';
import type { ExprLimits } from './limits.ts';
import { positionAt } from './position.ts';

/** What an expression may refer to. */
export type VariableDecl =
  /** An object whose fields the expression reads by name: every read is checked and recorded. */
  | { kind: 'object'; fields: ReadonlySet<string>; typeName: string }
  /** Any value, read as a whole (a list item that is a scalar, an argument map). */
  | { kind: 'value' };

export interface Analysis {
  /** For each object variable, the fields the expression reads (the planner fetches exactly these). */
  reads: Map<string, Set<string>>;
  nodes: number;
  cost: number;
}

/** CEL type names are identifiers too (`type(x) == string`). */
const TYPE_IDENTIFIERS = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);

/**
 * Walks a parsed expression once and refuses what is unsafe or unknown: references to anything
 * but the declared variables and fields, dynamic field access on objects whose reads must be
 * known in advance, regular expressions where forbidden, and size, depth and cost over limits.
 */
export function analyze(root: CelAst, source: string, positions: PositionTable, variables: Readonly<Record<string, VariableDecl>>, limits: ExprLimits): Analysis {
  const analysis: Analysis = { reads: new Map(), nodes: 0, cost: 0 };
  const fail = (code: ErrorCode, message: string, node: CelAst): never => {
    throw new ExprError(code, message, { position: positionAt(source, positions[String(node.id)] ?? 0) });
  };
  const read = (variable: string, field: string, node: CelAst) => {
    const decl = variables[variable];
    if (decl?.kind !== 'object') return;
    if (!decl.fields.has(field)) {
      fail(ErrorCodes.EXPR_UNKNOWN_REFERENCE, `expected a field of ${decl.typeName} (${[...decl.fields].join(', ')}); got ${variable}.${field}`, node);
    }
    let set = analysis.reads.get(variable);
    if (!set) analysis.reads.set(variable, (set = new Set()));
    set.add(field);
  };
  const rootObject = (node: CelAst | undefined, scope: ReadonlySet<string>): string | undefined => {
    if (node?.exprKind.case !== 'identExpr') return undefined;
    const name = node.exprKind.value.name;
    return !scope.has(name) && variables[name]?.kind === 'object' ? name : undefined;
  };

  const visit = (node: CelAst | undefined, scope: ReadonlySet<string>, depth: number, loops: number, weight: number): void => {
    if (!node) return;
    analysis.nodes += 1;
    analysis.cost += weight;
    if (analysis.nodes > limits.maxAstNodes) fail(ErrorCodes.EXPR_TOO_COMPLEX, `expected at most ${limits.maxAstNodes} operations in one expression`, node);
    if (depth > limits.maxDepth) fail(ErrorCodes.EXPR_TOO_COMPLEX, `expected nesting at most ${limits.maxDepth} deep`, node);
    if (analysis.cost > limits.maxCost) {
      fail(ErrorCodes.EXPR_TOO_COMPLEX, `expected an estimated cost of at most ${limits.maxCost} (each nested map/filter/exists/all multiplies by up to ${limits.maxListLength} items)`, node);
    }
    const kind = node.exprKind;
    switch (kind.case) {
      case 'identExpr': {
        const name = kind.value.name;
        if (scope.has(name) || TYPE_IDENTIFIERS.has(name)) return;
        const decl = variables[name];
        if (!decl) fail(ErrorCodes.EXPR_UNKNOWN_REFERENCE, `expected one of ${Object.keys(variables).join(', ')}; got "${name}"`, node);
        if (decl!.kind === 'object') fail(ErrorCodes.EXPR_FORBIDDEN, `expected ${name}.<field>: ${name} cannot be used as a whole, because the fields it needs must be known in advance`, node);
        return;
      }
      case 'selectExpr': {
        const variable = rootObject(kind.value.operand, scope);
        if (variable) {
          read(variable, kind.value.field, node);
          analysis.nodes += 1;
          return;
        }
        visit(kind.value.operand, scope, depth + 1, loops, weight);
        return;
      }
      case 'callExpr': {
        const { function: fn, target, args } = kind.value;
        if (fn === '_[_]') {
          const variable = rootObject(args[0], scope);
          if (variable) {
            const index = args[1];
            if (index?.exprKind.case !== 'constExpr' || index.exprKind.value.constantKind.case !== 'stringValue') {
              fail(ErrorCodes.EXPR_FORBIDDEN, `expected ${variable}.<field> or ${variable}["<field>"]: computed field names on ${variable} are not allowed`, node);
            }
            read(variable, String((index!.exprKind.value as { constantKind: { value: unknown } }).constantKind.value), node);
            return;
          }
        }
        if (fn === 'matches') checkRegex(node, target, args);
        visit(target, scope, depth + 1, loops, weight);
        for (const arg of args) visit(arg, scope, depth + 1, loops, weight);
        return;
      }
      case 'listExpr':
        for (const element of kind.value.elements) visit(element, scope, depth + 1, loops, weight);
        return;
      case 'structExpr':
        if (kind.value.messageName) fail(ErrorCodes.EXPR_FORBIDDEN, `expected a map literal {key: value}; message construction (${kind.value.messageName}{...}) is not available`, node);
        for (const entry of kind.value.entries) {
          visit(entry.mapKey, scope, depth + 1, loops, weight);
          visit(entry.value, scope, depth + 1, loops, weight);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        if (loops + 1 > limits.maxComprehensionDepth) {
          fail(ErrorCodes.EXPR_TOO_COMPLEX, `expected map/filter/exists/all nested at most ${limits.maxComprehensionDepth} deep`, node);
        }
        visit(c.iterRange, scope, depth + 1, loops, weight);
        visit(c.accuInit, scope, depth + 1, loops, weight);
        const inner = new Set(scope);
        inner.add(c.iterVar);
        if (c.iterVar2) inner.add(c.iterVar2);
        inner.add(c.accuVar);
        const loopWeight = weight * limits.maxListLength;
        visit(c.loopCondition, inner, depth + 1, loops + 1, loopWeight);
        visit(c.loopStep, inner, depth + 1, loops + 1, loopWeight);
        const after = new Set(scope);
        after.add(c.accuVar);
        visit(c.result, after, depth + 1, loops, weight);
        return;
      }
      default:
        return;
    }
  };

  const checkRegex = (node: CelAst, target: CelAst | undefined, args: readonly CelAst[]) => {
    if (!limits.allowRegex) {
      fail(ErrorCodes.EXPR_FORBIDDEN, 'expected no regular expression: matches() is not allowed here; use contains(), startsWith() or endsWith()', node);
    }
    const pattern = args.length === 2 ? args[1] : target ? args[0] : undefined;
    if (pattern?.exprKind.case !== 'constExpr' || pattern.exprKind.value.constantKind.case !== 'stringValue') return;
    const text = String(pattern.exprKind.value.constantKind.value);
    if (text.length > limits.maxRegexLength) fail(ErrorCodes.EXPR_TOO_COMPLEX, `expected a pattern of at most ${limits.maxRegexLength} characters`, pattern);
    try {
      RE2JS.compile(text);
    } catch (error) {
      fail(ErrorCodes.EXPR_SYNTAX, `expected an RE2 regular expression: ${(error as Error).message}`, pattern);
    }
  };

  visit(root, new Set(), 1, 0, 1);
  return analysis;
}
