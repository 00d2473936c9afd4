/** Result shaping and serialisation per scenario, on values fetched once from in-memory demo upstreams. */
import { pino } from 'pino';
import { getVariableValues } from 'graphql';
import type { PreparedDocument } from '../../src/plan/index.ts';
import { fetchFields, type FetchResults } from '../../src/execute/fetch-phase.ts';
import { RequestLoaders } from '../../src/execute/loaders.ts';
import { ConcurrencyLimit, StaleStore } from '../../src/resilience/index.ts';
import { shapeRoot } from '../../src/execute/shape-result.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { demoExecutor } from './demo-executor.ts';
import { inMemoryDemoTransport } from './in-memory-upstreams.ts';
import { measure, measureAsync, printTable, type MicroResult } from './harness.ts';

const { blueprint, executor } = await demoExecutor();
const transport = inMemoryDemoTransport();
const logger = pino({ level: 'silent' });
const results: MicroResult[] = [];
for (const scenario of SCENARIOS) {
  const prepared = executor.planCache.prepareText(scenario.query) as PreparedDocument;
  const operation = executor.planCache.selectOperation(prepared, undefined) as never;
  const variables = getVariableValues(blueprint.schema, (operation as { variableDefinitions?: never[] }).variableDefinitions ?? [], scenario.variants[0]!.variables).coerced!;
  const plan = executor.planCache.plan(prepared, operation, variables);
  const fetched: FetchResults = new Map();
  const root = {};
  const loaders = new RequestLoaders({
    sendFor: () => (request, options) => transport.send(request, options),
    deadlineAt: undefined,
    headers: {},
    limit: new ConcurrencyLimit(64),
    stats: new Map(),
    onUpstreamError: () => undefined,
  });
  await fetchFields({ blueprint, variables, loaders, results: fetched, staleStore: new StaleStore({ maxEntries: 10 }) }, plan.rootFields, [root]);
  const shape = () =>
    shapeRoot(
      {
        results: fetched,
        errors: [],
        introspection: undefined,
        onUnexpectedError: (e) => logger.error(e),
        variables,
        request: { id: 'bench', nowMs: Date.now() },
        readDependency: (field, parent) => fetched.get(field)?.get(parent),
      },
      plan.rootFields,
      root,
      plan.rootType,
    );
  const data = shape();
  results.push(measure(`${scenario.name}: shape result`, shape));
  results.push(measure(`${scenario.name}: JSON.stringify result`, () => JSON.stringify({ data })));
  results.push(
    await measureAsync(`${scenario.name}: whole executor, in-memory upstreams`, () =>
      executor.execute({ prepared, operationName: undefined, variables: scenario.variants[0]!.variables, requestId: 'bench', explain: false }),
    ),
  );
}
printTable('Result shaping and execution, demo config', results);
