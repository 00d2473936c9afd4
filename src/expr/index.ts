export { compileExpression, type CompiledExpression, type CompileOptions } from './compile.ts';
export type { VariableDecl } from './analyze.ts';
export { CALLER_LIMITS, OPERATOR_LIMITS, type ExprLimits } from './limits.ts';
export { fromCel, objectView, toCel, type ShapeField, type ValueShape } from './values.ts';
export type { ExprPosition } from './position.ts';
export type { ResultKind } from './result-kind.ts';
