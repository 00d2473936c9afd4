import type { FetchStep, Plan } from './plan.ts';

/** A plan as JSON-friendly data: what `explain --json` prints and the explain header returns. */
export interface PlanDescription {
  operation: string | null;
  fetchCount: number;
  stages: { stage: number; fetches: FetchStep[] }[];
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
    fetchCount: plan.fetches.length,
    stages: [...byStage.entries()].sort(([a], [b]) => a - b).map(([stage, fetches]) => ({ stage, fetches })),
  };
}

/** Prints a plan for people: one block per stage, one line per fetch. */
export function printPlan(plan: Plan): string {
  const d = describePlan(plan);
  const lines = [`Plan for query ${d.operation ?? '(anonymous)'}: ${d.fetchCount} fetch${d.fetchCount === 1 ? '' : 'es'} in ${d.stages.length} stage${d.stages.length === 1 ? '' : 's'}`];
  for (const { stage, fetches } of d.stages) {
    lines.push(`Stage ${stage}${stage > 1 ? ` (after stage ${stage - 1})` : ''}${fetches.length > 1 ? ', in parallel:' : ':'}`);
    for (const f of fetches) {
      const how = f.batched ? `batched by ${f.keys ? `keys ${f.keys}` : `key ${f.key}`} (max ${f.maxBatchSize} per call)` : 'one call per distinct params';
      const params = Object.entries(f.params).map(([k, v]) => `${k}=${v}`).join(', ');
      lines.push(`  #${f.id} ${f.operation}  ← ${f.field} at ${f.path}`);
      lines.push(`      ${how}${params ? `; params ${params}` : ''}${f.dependsOn ? `; needs #${f.dependsOn}` : ''}`);
      if (f.fields) lines.push(`      asks only for ${f.fields.join(', ')}`);
    }
  }
  if (d.stages.length === 0) lines.push('No upstream calls.');
  return lines.join('\n');
}
