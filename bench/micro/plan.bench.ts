/** Planning on the demo config: a new operation (parse + validate + plan) vs the cached lookup the hot path does. */
import { PlanCache, type PreparedDocument } from '../../src/plan/index.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { demoExecutor } from './demo-executor.ts';
import { measure, printTable, type MicroResult } from './harness.ts';

const { blueprint } = await demoExecutor();
const results: MicroResult[] = [];
for (const scenario of SCENARIOS) {
  results.push(
    measure(`${scenario.name}: new operation (parse, validate, plan)`, () => {
      const cache = new PlanCache(blueprint);
      const prepared = cache.prepareText(scenario.query) as PreparedDocument;
      cache.plan(prepared, cache.selectOperation(prepared, undefined) as never, scenario.variants[0]!.variables);
    }),
  );
  const cache = new PlanCache(blueprint);
  results.push(
    measure(
      `${scenario.name}: cached plan lookup`,
      () => {
        const prepared = cache.prepareText(scenario.query) as PreparedDocument;
        cache.plan(prepared, cache.selectOperation(prepared, undefined) as never, scenario.variants[0]!.variables);
      },
      { targetUs: 20 },
    ),
  );
}
printTable('Planning, demo config', results);
