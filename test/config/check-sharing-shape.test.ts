import { expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';

const GATEWAY = 'gateway.yaml';

function check(text: string) {
  const { errors, config } = checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: GATEWAY, text } }, {});
  return { sharing: config.gateway.sharing, errors: errors.map((e) => ({ code: e.code, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message })) };
}

test.for([
  { name: 'absent: on for every query and caller', text: 'server: {}\n', sharing: undefined },
  { name: 'off', text: 'sharing:\n  operations: false\n', sharing: { operations: false, exceptOperations: [], exceptCallers: [] } },
  {
    name: 'on, but not for two operations nor one caller',
    text: 'sharing:\n  exceptOperations: [LivePanel, AuditTrail]\n  exceptCallers: [audit-svc]\n',
    sharing: { operations: true, exceptOperations: ['LivePanel', 'AuditTrail'], exceptCallers: ['audit-svc'] },
  },
])('sharing: $name', ({ text, sharing }) => {
  expect(check(text)).toEqual({ sharing, errors: [] });
});

test('sharing: a misspelt key, a flag that is not a boolean, a list that is not one and names that are not names, each with its position', () => {
  const { errors } = check('sharing:\n  operation: true\n  operations: "no"\n  exceptOperations: LivePanel\n  exceptCallers: [ok, "not a caller"]\n');
  expect(errors).toEqual([
    { code: 'CONFIG_UNKNOWN_KEY', line: 2, column: 3, path: 'gateway.sharing.operation', message: 'expected one of the keys operations, exceptOperations, exceptCallers; got "operation". Did you mean "operations"?' },
    { code: 'CONFIG_INVALID_VALUE', line: 3, column: 15, path: 'gateway.sharing.operations', message: 'expected true or false; got "no"' },
    { code: 'CONFIG_INVALID_VALUE', line: 4, column: 21, path: 'gateway.sharing.exceptOperations', message: 'expected a list, each item a GraphQL operation name such as AgentPanel; got "LivePanel"' },
    { code: 'CONFIG_INVALID_VALUE', line: 5, column: 23, path: 'gateway.sharing.exceptCallers.1', message: 'expected a caller id of callers.yaml such as billing; got "not a caller"' },
  ]);
});
