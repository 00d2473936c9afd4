/**
 * The parts of CEL's protobuf AST (`cel.expr.Expr`) that our checks read. Declared here, by shape,
 * so that nothing outside src/expr/ depends on the library's generated types.
 */
export interface CelAst {
  id: bigint;
  exprKind:
    | { case: 'constExpr'; value: { constantKind: { case: string | undefined; value?: unknown } } }
    | { case: 'identExpr'; value: { name: string } }
    | { case: 'selectExpr'; value: { operand?: CelAst; field: string; testOnly: boolean } }
    | { case: 'callExpr'; value: { function: string; target?: CelAst; args: CelAst[] } }
    | { case: 'listExpr'; value: { elements: CelAst[] } }
    | { case: 'structExpr'; value: { messageName: string; entries: { keyKind: { case: string | undefined; value?: unknown }; value?: CelAst; mapKey?: CelAst }[] } }
    | {
        case: 'comprehensionExpr';
        value: { iterVar: string; iterVar2?: string; accuVar: string; iterRange?: CelAst; accuInit?: CelAst; loopCondition?: CelAst; loopStep?: CelAst; result?: CelAst };
      }
    | { case: undefined; value?: undefined };
}

/** Positions of AST nodes: node id → offset in the source text. */
export type PositionTable = Readonly<Record<string, number>>;
