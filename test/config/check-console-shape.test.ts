import { expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';

const GATEWAY = 'gateway.yaml';

function check(text: string) {
  const { errors, config } = checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: GATEWAY, text } }, {});
  return { console: config.gateway.console, errors: errors.map((e) => ({ code: e.code, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message })) };
}

test.for([
  { name: 'on with a token', text: 'console:\n  enabled: true\n  adminToken: s3cret\n', console: { enabled: true, adminToken: 's3cret' }, errors: [] },
  { name: 'an empty token (unset variable) is no token', text: 'console:\n  enabled: true\n  adminToken: ""\n', console: { enabled: true, adminToken: undefined }, errors: [] },
  { name: 'enabled alone', text: 'console: { enabled: false }\n', console: { enabled: false, adminToken: undefined }, errors: [] },
  { name: 'with an operator scope', text: 'console: { enabled: true, scope: tessera:operator }\n', console: { enabled: true, scope: 'tessera:operator', adminToken: undefined }, errors: [] },
])('console: $name', ({ text, console, errors }) => {
  expect(check(text)).toEqual({ console, errors });
});

test('console: a misspelt key, a flag that is not a boolean and a token that is not a string, each with its position', () => {
  const { errors } = check('console:\n  enable: true\n  enabled: "yes"\n  adminToken: 42\n');
  expect(errors).toEqual([
    { code: 'CONFIG_UNKNOWN_KEY', line: 2, column: 3, path: 'gateway.console.enable', message: 'expected one of the keys enabled, adminToken, scope; got "enable". Did you mean "enabled"?' },
    { code: 'CONFIG_INVALID_VALUE', line: 3, column: 12, path: 'gateway.console.enabled', message: 'expected true or false; got "yes"' },
    { code: 'CONFIG_INVALID_VALUE', line: 4, column: 15, path: 'gateway.console.adminToken', message: 'expected a token string (usually ${TESSERA_CONSOLE_TOKEN:-}); got 42' },
  ]);
});

test('console: not a mapping', () => {
  expect(check('console: true\n').errors).toEqual([{ code: 'CONFIG_INVALID_VALUE', line: 1, column: 10, path: 'gateway.console', message: 'expected a mapping with any of the keys enabled, adminToken, scope; got true' }]);
});
