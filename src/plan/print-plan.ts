import type { FetchStep, Plan, TransformStep } from './plan.ts';

/** A plan as JSON-friendly data: what `explain --json` prints and the explain header returns. */
export interface PlanDescription {
  operation: string | null;
  /** `query` or `mutation` (root fields one after another). */
  operationType: 'query' | 'mutation';
  fetchCount: number;
  stages: { stage: number; fetches: FetchStep[] }[];
  /** Post-processing, run while the response is shaped (after every fetch). */
  transforms: readonly TransformStep[];
}

/** Groups a plan's fetches by stage: fetches of one stage run in parallel, stages in order. */
export function describePlan(plan: Plan): PlanDescription {
  const byStage = new Map<number, FetchStep[]>();
  for (const fetch of plan.fetches) {
    const list = byStage.get(fetch.stage);
    if (list) list.push(fetch);
    else byStage.set(fetch.stage, [fetch]);
  }
  return {
    operation: plan.operationName ?? null,
    operationType: plan.operationType,
    fetchCount: plan.fetches.length,
    stages: [...byStage.entries()].sort(([a], [b]) => a - b).map(([stage, fetches]) => ({ stage, fetches })),
    transforms: plan.transforms,
  };
}

/** Prints a plan for people: one block per stage, one line per fetch. */
export function printPlan(plan: Plan): string {
  const d = describePlan(plan);
  const lines = [`Plan for ${d.operationType} ${d.operation ?? '(anonymous)'}: ${d.fetchCount} fetch${d.fetchCount === 1 ? '' : 'es'} in ${d.stages.length} stage${d.stages.length === 1 ? '' : 's'}`];
  for (const { stage, fetches } of d.stages) {
    lines.push(`Stage ${stage}${stage > 1 ? ` (after stage ${stage - 1})` : ''}${fetches.length > 1 ? ', in parallel:' : ':'}`);
    for (const f of fetches) {
      const how = f.mutation ? 'one call, never batched, shared or cached' : f.batched ? `batched by ${f.keys ? `keys ${f.keys}` : `key ${f.key}`} (max ${f.maxBatchSize} per call)` : 'one call per distinct params';
      const params = Object.entries(f.params).map(([k, v]) => `${k}=${v}`).join(', ');
      lines.push(`  #${f.id} ${f.operation}  ← ${f.field} at ${f.path}`);
      const after = f.withKeysOf
        ? `; sent with #${f.withKeysOf}, by its keys`
        : f.dependsOn
          ? `; needs #${f.dependsOn}`
          : f.serialAfter
            ? `; after #${f.serialAfter} and everything below it (mutation fields run in order)`
            : '';
      lines.push(`      ${how}${params ? `; params ${params}` : ''}${after}`);
      if (f.fields) lines.push(`      asks only for ${f.fields.join(', ')}`);
      if (f.answer) lines.push(`      answers read as ${f.answer}`);
      if (f.neededBy) lines.push(`      only to compute ${f.neededBy}`);
      if (f.pagination) {
        const until = f.pagination.limitParam ? `until ${f.pagination.limitParam} items or the last page` : 'until the last page';
        lines.push(`      follows ${f.pagination.style} pages ${until}, at most ${f.pagination.maxPages} calls`);
      }
      if (f.typeCondition) lines.push(`      only for items of type ${f.typeCondition}`);
    }
  }
  if (d.stages.length === 0) lines.push('No upstream calls.');
  if (d.transforms.length > 0) {
    lines.push('Post-processing, while shaping the response:');
    for (const t of d.transforms) lines.push(`  ${t.path} (${t.field}, ${t.by}): ${t.steps.join(' → ')}`);
  }
  return lines.join('\n');
}
