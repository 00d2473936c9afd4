export { buildPlan, type PlanInput } from './build-plan.ts';
export type { Plan, PlanField, FetchStep, Completion, AbstractCompletion, PostContext, PostProcess, FetchTransform, TransformStep } from './plan.ts';
export { PlanCache, type PreparedDocument, type PlanCacheStats, type PlanCacheOptions } from './plan-cache.ts';
export { describePlan, printPlan, type PlanDescription } from './print-plan.ts';
export { explainOperation, type ExplainResult, type ExplainProblem } from './explain-operation.ts';
