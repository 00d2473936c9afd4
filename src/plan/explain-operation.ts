import { getVariableValues, GraphQLError } from 'graphql';
import type { Blueprint } from '../blueprint/index.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { PlanCache } from './plan-cache.ts';
import type { Plan } from './plan.ts';

/** Why an operation has no plan: where in the document (when known) and what is wrong. */
export interface ExplainProblem {
  location?: { line: number; column: number } | undefined;
  /** The message, after the code when the gateway refused it (`PLAN_… (reason)  message`). */
  text: string;
}

export type ExplainResult = { plan: Plan } | { problems: ExplainProblem[] };

/**
 * Plans an operation without calling any upstream: what `tessera explain` prints and the
 * console's plan explorer shows. A plan cache of its own, so explaining never touches the
 * serving cache or its hit ratio.
 */
export function explainOperation(blueprint: Blueprint, text: string, options: { operationName?: string | undefined; variables?: Record<string, unknown> | undefined } = {}): ExplainResult {
  const cache = new PlanCache(blueprint);
  const prepared = cache.prepareText(text);
  const fail = (errors: readonly GraphQLError[]): ExplainResult => ({ problems: errors.map((e) => ({ location: e.locations?.[0] ? { line: e.locations[0].line, column: e.locations[0].column } : undefined, text: e.message })) });
  if ('errors' in prepared) return fail(prepared.errors);
  const operation = cache.selectOperation(prepared, options.operationName);
  if (operation instanceof GraphQLError) return fail([operation]);
  const coerced = getVariableValues(blueprint.schema, operation.variableDefinitions ?? [], options.variables ?? {});
  if (coerced.errors) return fail(coerced.errors);
  try {
    return { plan: cache.plan(prepared, operation, coerced.coerced) };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // e.g. a caller @transform expression the gateway refuses: same code and position a caller gets.
    const { reason, position } = error.details as { reason?: string; position?: { line: number; column: number } };
    return { problems: [{ text: `${error.code}${reason ? ` (${reason}${position ? ` at ${position.line}:${position.column} in the expression` : ''})` : ''}  ${error.message}` }] };
  }
}
