import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { validateConfig } from '../../index.ts';
import { describePlan, explainOperation, printPlan } from '../../plan/index.ts';
import { ISOLATION_DEFAULTS } from '../../config/index.ts';
import { didYouMean } from '../../util/did-you-mean.ts';

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
      mark: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('Usage: tessera explain FILE.graphql [--variables JSON] [--operation NAME] [--mark stress] [--json]\n');
    return 2;
  }
  const report = await validateConfig({ configDir: values['config-dir'] });
  if (!report.blueprint) {
    process.stderr.write(`${report.text}\n`);
    return 1;
  }
  const marks = (report.gateway.isolation ?? ISOLATION_DEFAULTS).marks;
  if (values.mark !== undefined && !marks.includes(values.mark)) {
    process.stderr.write(`--mark must be one of ${marks.join(', ')}; got "${values.mark}".${didYouMean(values.mark, marks)}\n`);
    return 2;
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
  const description = describePlan(plan);
  // For a mark: where each fetch would go (shadow, production with the mark, or refused), as the running gateway decides it.
  const targets =
    values.mark === undefined
      ? undefined
      : Object.fromEntries(description.stages.flatMap((s) => s.fetches).map((f) => [f.operation, report.blueprint!.operations.get(f.operation)?.marked?.label ?? 'production']));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(targets ? { ...description, traffic: values.mark, targets } : description, null, 2)}\n`);
    return 0;
  }
  const forMark = targets ? [`For ${values.mark!} traffic:`, ...Object.entries(targets).map(([op, target]) => `  ${op} → ${target}`)].join('\n') : '';
  process.stdout.write(`${printPlan(plan)}\n${forMark ? `${forMark}\n` : ''}`);
  return 0;
}
