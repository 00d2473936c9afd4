import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { validateConfig } from '../../index.ts';
import { describePlan, explainOperation, printPlan } from '../../plan/index.ts';

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
  const explained = explainOperation(report.blueprint, await readFile(file, 'utf8'), { operationName: values.operation, variables: inputs });
  if ('problems' in explained) {
    for (const p of explained.problems) process.stderr.write(`${file}${p.location ? `:${p.location.line}:${p.location.column}` : ''}  ${p.text}\n`);
    return 1;
  }
  const plan = explained.plan;
  process.stdout.write(values.json ? `${JSON.stringify(describePlan(plan), null, 2)}\n` : `${printPlan(plan)}\n`);
  return 0;
}
