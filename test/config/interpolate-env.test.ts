import { describe, expect, test } from 'vitest';
import { interpolateEnv } from '../../src/config/interpolate-env.ts';
import { parseYamlWithPositions } from '../../src/config/yaml-with-positions.ts';
import { checkConfigSources } from '../../src/config/load.ts';

const FILE = 'connectors/crm.yaml';

/** Interpolates `value: <scalar>` and returns the resulting value and errors. */
function interpolate(scalar: string, env: Record<string, string | undefined>) {
  const { value, sourceMap } = parseYamlWithPositions(FILE, `key: ${scalar}\n`);
  const result = interpolateEnv(value, env, sourceMap, 'connectors.crm');
  return {
    value: (result.value as { key: unknown }).key,
    errors: result.errors.map((e) => ({ code: e.code, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message })),
  };
}

describe('interpolateEnv', () => {
  test.for([
    { name: 'defined variable', scalar: '${URL}', env: { URL: 'http://a:1' }, value: 'http://a:1' },
    { name: 'inside a longer string', scalar: 'http://${HOST}:${PORT}/v1', env: { HOST: 'h', PORT: '80' }, value: 'http://h:80/v1' },
    { name: 'default when unset', scalar: '${URL:-http://127.0.0.1:4101}', env: {}, value: 'http://127.0.0.1:4101' },
    { name: 'default when set but empty (as in the shell)', scalar: '${URL:-fallback}', env: { URL: '' }, value: 'fallback' },
    { name: 'set value wins over the default', scalar: '${URL:-fallback}', env: { URL: 'set' }, value: 'set' },
    { name: 'empty default', scalar: '"a${X:-}b"', env: {}, value: 'ab' },
    { name: 'set but empty, no default', scalar: '"[${X}]"', env: { X: '' }, value: '[]' },
    { name: 'templates are left alone', scalar: '/customers/{id}', env: {}, value: '/customers/{id}' },
    { name: 'non-strings are left alone', scalar: '42', env: {}, value: 42 },
  ])('$name', ({ scalar, env, value }) => {
    expect(interpolate(scalar, env)).toEqual({ value, errors: [] });
  });

  test.for([
    {
      name: 'undefined variable without default',
      scalar: '${CRM_URL}',
      kept: '${CRM_URL}',
      error: { code: 'CONFIG_UNDEFINED_ENV', line: 1, column: 6, path: 'connectors.crm.key', message: 'expected environment variable CRM_URL to be set (or a default: ${CRM_URL:-value}); it is not set' },
    },
    {
      name: 'unclosed reference',
      scalar: '"${CRM_URL"',
      kept: '${CRM_URL',
      error: { code: 'CONFIG_INVALID_VALUE', line: 1, column: 6, path: 'connectors.crm.key', message: 'expected "${" to open a reference like ${NAME} or ${NAME:-default} closed by "}"; got "${CRM_URL"' },
    },
    {
      name: 'bad variable name',
      scalar: '${CRM-URL}',
      kept: '${CRM-URL}',
      error: { code: 'CONFIG_INVALID_VALUE', line: 1, column: 6, path: 'connectors.crm.key', message: 'expected ${NAME} or ${NAME:-default}, NAME made of letters, digits and _; got "${CRM-URL}"' },
    },
  ])('$name is an error at the value, and the text is kept', ({ scalar, kept, error }) => {
    expect(interpolate(scalar, {})).toEqual({ value: kept, errors: [error] });
  });

  test('nested values and list items are interpolated; keys are not', () => {
    const { value, sourceMap } = parseYamlWithPositions(FILE, 'headers:\n  ${K}: ${V}\nlist: [a, "${V}"]\n');
    expect(interpolateEnv(value, { K: 'k', V: 'v' }, sourceMap, 'connectors.crm').value).toEqual({ headers: { '${K}': 'v' }, list: ['a', 'v'] });
  });

  test('an unset variable in a connector is reported once, not again as a bad URL', () => {
    const text = 'baseUrl: ${CRM_URL}\noperations: {}\n';
    const { config, errors } = checkConfigSources({ connectorFiles: [{ file: FILE, text }], schemaFiles: [] }, {});
    expect(errors.map((e) => [e.code, e.configPath])).toEqual([['CONFIG_UNDEFINED_ENV', 'connectors.crm.baseUrl']]);
    expect(config.connectors).toEqual([]);
  });
});
