import { afterAll, describe, expect, test } from 'vitest';
import type { OperationDefinitionNode } from 'graphql';
import { validateConfig } from '../../src/index.ts';
import { PlanCache, printPlan } from '../../src/plan/index.ts';
import { writeConfigDir } from '../support/gateway.ts';
import { DIRECTORY_CONNECTOR, DIRECTORY_SCHEMA } from '../e2e/directory-fixtures.ts';

const config = await writeConfigDir({ schemas: { 'directory.graphql': DIRECTORY_SCHEMA }, connectors: { 'directory.yaml': DIRECTORY_CONNECTOR } });
afterAll(() => config.remove());
const report = await validateConfig({ configDir: config.dir, env: { DIRECTORY_URL: 'http://127.0.0.1:9' } });

function print(text: string): string {
  const cache = new PlanCache(report.blueprint!);
  const prepared = cache.prepareText(text);
  if ('errors' in prepared) throw new Error(prepared.errors.map((e) => e.message).join('; '));
  return printPlan(cache.plan(prepared, cache.selectOperation(prepared, undefined) as OperationDefinitionNode, {}));
}

describe('explain: mutations and type conditions', () => {
  test('the directory config compiles without errors or warnings', () => {
    expect([...report.errors, ...report.warnings]).toEqual([]);
  });

  test.for([
    {
      name: 'a mutation: each root field after the one before, its nested fetches in between',
      query: 'mutation M { a: createPerson(input: { name: "x" }) { employer { name } } b: deletePerson(id: "p1") }',
      expected: [
        'Plan for mutation M: 3 fetches in 3 stages',
        'Stage 1:',
        '  #1 directory.createPerson  ← Mutation.createPerson at a',
        '      one call, never batched, shared or cached; params input={args.input}',
        'Stage 2 (after stage 1):',
        '  #2 directory.getCompanies  ← Person.employer at a.employer',
        '      batched by key {parent.employerId} (max 10 per call); needs #1',
        'Stage 3 (after stage 2):',
        '  #3 directory.deletePerson  ← Mutation.deletePerson at b',
        '      one call, never batched, shared or cached; params id={args.id}; after #1 and everything below it (mutation fields run in order)',
      ],
    },
    {
      name: 'a union: the fetches below it say which type they are for',
      query: '{ search(q: "all") { ... on Person { employer { name } } ... on Company { ceo { name } } } }',
      expected: [
        'Plan for query (anonymous): 3 fetches in 2 stages',
        'Stage 1:',
        '  #1 directory.search  ← Query.search at search',
        '      one call per distinct params; params q={args.q}',
        'Stage 2 (after stage 1), in parallel:',
        '  #2 directory.getCompanies  ← Person.employer at search(on Person).employer',
        '      batched by key {parent.employerId} (max 10 per call); needs #1',
        '      only for items of type Person',
        '  #3 directory.getPeople  ← Company.ceo at search(on Company).ceo',
        '      batched by key {parent.ceoId} (max 10 per call); needs #1',
        '      only for items of type Company',
      ],
    },
  ])('$name', ({ query, expected }) => {
    expect(print(query)).toBe(expected.join('\n'));
  });
});
