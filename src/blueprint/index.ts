export { compileBlueprint, type CompileResult } from './compile.ts';
export type { Blueprint, CompiledOperation, FieldBinding, FieldFallback, FieldIR, ValueSource, BodyTemplate, CompiledPagination } from './ir.ts';
export type { BatchAnswerReader } from './compile-batch-answer.ts';
export { renderTemplate, type Template, type TemplateRef } from './template.ts';
export { renderBody } from './render-body.ts';
export { KEYS_REF, FIELDS_REF } from './compile-connector.ts';
export { serializeLeaf, unchangedLeafTest } from './serialize-leaf.ts';
