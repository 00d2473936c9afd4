import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { compileBlueprint } from '../../src/blueprint/index.ts';
import { ACCOUNTS_YAML } from './auth-fixtures.ts';

/** Compiles a User type (its fields from line 3 on) and returns every problem with its position. */
function problems(userFields: string, typeDirective = '') {
  const text = `type Query { users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}") }\ntype User ${typeDirective}{\n${userFields}\n  id: ID!\n}\n`;
  const loaded = checkConfigSources({ connectorFiles: [{ file: 'connectors/accounts.yaml', text: ACCOUNTS_YAML.replace('${ACCOUNTS_URL}', 'http://accounts.internal') }], schemaFiles: [{ file: 'schemas/s.graphql', text }] });
  expect(loaded.errors).toEqual([]);
  const compiled = compileBlueprint(loaded.config);
  return { errors: compiled.errors.map((e) => ({ at: `${e.source?.file}:${e.source?.line}:${e.source?.column}`, code: e.code, path: e.configPath, message: e.message })), blueprint: compiled.blueprint };
}

describe('@requiresScopes and @mask(unmaskScope:) in schemas: checked at load', () => {
  test('valid directives compile; the scopes a plan can depend on are collected; callers never see the directive', () => {
    const { errors, blueprint } = problems('  salary: Int @requiresScopes(scopes: [["hr:read", "hr:pay"], ["admin"]])\n  email: String @mask(email: true, unmaskScope: "pii:read")', '@requiresScopes(scopes: ["staff"]) ');
    expect(errors).toEqual([]);
    expect(blueprint!.scopeNames).toEqual(['admin', 'hr:pay', 'hr:read', 'pii:read', 'staff']);
    // A type's requirement holds on each of its fields and on the field that returns it.
    expect(blueprint!.fields.get('User')!.get('salary')!.access).toEqual([[['hr:read', 'hr:pay'], ['admin']], [['staff']]]);
    expect(blueprint!.fields.get('Query')!.get('users')!.access).toEqual([[['staff']]]);
    expect(JSON.stringify(blueprint!.schema.getType('User')!.astNode)).not.toContain('requiresScopes');
  });

  test.for([
    { name: 'an empty list of scopes', fields: '  salary: Int @requiresScopes(scopes: [[]])', at: 'schemas/s.graphql:3:40', message: 'expected at least one scope in each list (an empty list would let everyone in)' },
    { name: 'an empty requirement', fields: '  salary: Int @requiresScopes(scopes: [])', at: 'schemas/s.graphql:3:39', message: 'expected scopes: [["scope"]] with at least one list of scopes (any one list suffices; every scope of it is needed)' },
    { name: 'a scope with a space', fields: '  salary: Int @requiresScopes(scopes: [["hr read"]])', at: 'schemas/s.graphql:3:41', message: 'expected a scope: 1 to 128 printable characters without spaces, such as "pii:read"' },
    { name: 'a bad unmask scope', fields: '  email: String @mask(email: true, unmaskScope: "pii read")', at: 'schemas/s.graphql:3:49', message: 'expected unmaskScope to be a scope such as "pii:read" (printable, no spaces)' },
  ])('$name', ({ fields, at, message }) => {
    expect(problems(fields).errors).toEqual([{ at, code: 'CONFIG_INVALID_VALUE', path: expect.stringMatching(/^schemas\.User/) as unknown as string, message }]);
  });
});
