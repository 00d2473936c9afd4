import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { getVariableValues, GraphQLError } from 'graphql';
import { validateConfig } from '../../index.ts';
import { PlanCache, describePlan, printPlan } from '../../plan/index.ts';
import { GatewayError } from '../../errors/gateway-error.ts';

/** `tessera explain FILE`: prints the plan an operation would run, without calling any upstream. */
export async function runExplain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'config-dir': { type: 'string' },
      variables: { type: 'string' },
      operation: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('Usage: tessera explain FILE.graphql [--variables JSON] [--operation NAME] [--json]\n');
    return 2;
  }
  const report = await validateConfig({ configDir: values['config-dir'] });
  if (!report.blueprint) {
    process.stderr.write(`${report.text}\n`);
    return 1;
  }
  let inputs: Record<string, unknown> = {};
  try {
    inputs = values.variables ? (JSON.parse(values.variables) as Record<string, unknown>) : {};
  } catch {
    process.stderr.write('--variables must be a JSON object, e.g. \'{"id": "42"}\'\n');
    return 2;
  }
  const cache = new PlanCache(report.blueprint);
  const prepared = cache.prepareText(await readFile(file, 'utf8'));
  const fail = (errors: readonly GraphQLError[]) => {
    for (const e of errors) process.stderr.write(`${file}${e.locations?.[0] ? `:${e.locations[0].line}:${e.locations[0].column}` : ''}  ${e.message}\n`);
    return 1;
  };
  if ('errors' in prepared) return fail(prepared.errors);
  const operation = cache.selectOperation(prepared, values.operation);
  if (operation instanceof GraphQLError) return fail([operation]);
  const coerced = getVariableValues(report.blueprint.schema, operation.variableDefinitions ?? [], inputs);
  if (coerced.errors) return fail(coerced.errors);
  let plan;
  try {
    plan = cache.plan(prepared, operation, coerced.coerced);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // e.g. a caller @transform expression the gateway refuses: same code and position a caller gets.
    const { reason, position } = error.details as { reason?: string; position?: { line: number; column: number } };
    process.stderr.write(`${file}  ${error.code}${reason ? ` (${reason}${position ? ` at ${position.line}:${position.column} in the expression` : ''})` : ''}  ${error.message}\n`);
    return 1;
  }
  process.stdout.write(values.json ? `${JSON.stringify(describePlan(plan), null, 2)}\n` : `${printPlan(plan)}\n`);
  return 0;
}
