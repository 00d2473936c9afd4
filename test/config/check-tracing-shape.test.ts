import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigErrorList, createGateway } from '../../src/index.ts';
import { createLogger } from '../../src/observability/index.ts';
import { writeConfigDir } from '../support/gateway.ts';
import { checkConfigSources } from '../../src/config/index.ts';
import { resolveTracingSettings, TRACING_DEFAULTS } from '../../src/observability/tracing-settings.ts';

const GATEWAY = 'gateway.yaml';
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

function check(text: string, env: Record<string, string> = {}) {
  const { errors, config } = checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: GATEWAY, text } }, env);
  return {
    config,
    errors: errors.map((e) => ({ code: e.code, file: e.source?.file, line: e.source?.line, column: e.source?.column, path: e.configPath, message: e.message })),
  };
}

describe('gateway.yaml tracing: every bad value with its position', () => {
  test.for([
    {
      name: 'a misspelt key, with a suggestion',
      text: yaml('tracing:', '  enabled: true', '  sampleRate: 0.5'),
      errors: [
        {
          code: 'CONFIG_UNKNOWN_KEY',
          file: GATEWAY,
          line: 3,
          column: 3,
          path: 'gateway.tracing.sampleRate',
          message: 'expected one of the keys enabled, exporter, endpoint, headers, serviceName, sampleRatio; got "sampleRate". Did you mean "sampleRatio"?',
        },
      ],
    },
    {
      name: 'an exporter that does not exist, with a suggestion',
      text: yaml('tracing:', '  exporter: otpl'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', file: GATEWAY, line: 2, column: 13, path: 'gateway.tracing.exporter', message: 'expected one of otlp, console; got "otpl". Did you mean "otlp"?' }],
    },
    {
      name: 'a ratio out of range, a flag that is not one, an endpoint that is not a URL',
      text: yaml('tracing:', '  enabled: "yes"', '  sampleRatio: 10', '  endpoint: otel-collector:4318'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', file: GATEWAY, line: 2, column: 12, path: 'gateway.tracing.enabled', message: 'expected true or false; got "yes"' },
        {
          code: 'CONFIG_INVALID_VALUE',
          file: GATEWAY,
          line: 3,
          column: 16,
          path: 'gateway.tracing.sampleRatio',
          message: 'expected the share of new traces to record, a number from 0 to 1 (0.1 = one in ten); got 10',
        },
        {
          code: 'CONFIG_INVALID_VALUE',
          file: GATEWAY,
          line: 4,
          column: 13,
          path: 'gateway.tracing.endpoint',
          message: 'expected the collector\'s OTLP/HTTP traces URL, such as "http://otel-collector:4318/v1/traces"; got "otel-collector:4318"',
        },
      ],
    },
    {
      name: 'an empty service name and a header that is not text',
      text: yaml('tracing:', '  serviceName: ""', '  headers:', '    authorization: { token: x }'),
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          file: GATEWAY,
          line: 2,
          column: 16,
          path: 'gateway.tracing.serviceName',
          message: 'expected the service name traces are filed under (service.name), a non-empty string; got ""',
        },
        { code: 'CONFIG_INVALID_VALUE', file: GATEWAY, line: 4, column: 20, path: 'gateway.tracing.headers.authorization', message: 'expected a string; got a mapping' },
      ],
    },
    {
      name: 'a list where the section goes',
      text: yaml('tracing: [otlp]'),
      errors: [
        {
          code: 'CONFIG_INVALID_VALUE',
          file: GATEWAY,
          line: 1,
          column: 10,
          path: 'gateway.tracing',
          message: 'expected a mapping with any of the keys enabled, exporter, endpoint, headers, serviceName, sampleRatio; got a list',
        },
      ],
    },
  ])('$name', ({ text, errors }) => {
    expect(check(text).errors).toEqual(errors);
  });
});

describe('gateway.yaml tracing: what a good section means', () => {
  test('absent: off, with the documented defaults', () => {
    expect(resolveTracingSettings(undefined, check('').config.gateway)).toEqual({ enabled: false, exporter: 'otlp', endpoint: undefined, headers: {}, serviceName: 'tessera', sampleRatio: 1 });
    expect(TRACING_DEFAULTS).toEqual({ exporter: 'otlp', serviceName: 'tessera', sampleRatio: 1 });
  });

  test('every key, variables filled in; createGateway options win', () => {
    const { config, errors } = check(
      yaml('tracing:', '  enabled: true', '  exporter: console', '  endpoint: ${OTEL_URL}', '  headers: { authorization: "Bearer ${OTEL_TOKEN}" }', '  serviceName: gateway-eu', '  sampleRatio: 0.25'),
      { OTEL_URL: 'http://collector:4318/v1/traces', OTEL_TOKEN: 't0k' },
    );
    expect(errors).toEqual([]);
    expect(resolveTracingSettings(undefined, config.gateway)).toEqual({
      enabled: true,
      exporter: 'console',
      endpoint: 'http://collector:4318/v1/traces',
      headers: { authorization: 'Bearer t0k' },
      serviceName: 'gateway-eu',
      sampleRatio: 0.25,
    });
    expect(resolveTracingSettings({ enabled: false, sampleRatio: 1 }, config.gateway)).toMatchObject({ enabled: false, sampleRatio: 1 });
  });
});

describe('a bad tracing section stops the gateway at start, located', () => {
  test('createGateway refuses it with the text tessera validate prints', async () => {
    const dir = await writeConfigDir({ schemas: { 's.graphql': 'type Query { ping: String }' } });
    try {
      await writeFile(path.join(dir.dir, 'gateway.yaml'), yaml('tracing:', '  enabled: true', '  exporter: zipkin'));
      const failure = await createGateway({ configDir: dir.dir, logger: createLogger({ level: 'silent' }) }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConfigErrorList);
      expect((failure as ConfigErrorList).message.split('\n').slice(0, 5)).toEqual([
        expect.stringMatching(/gateway\.yaml:3:13 {2}CONFIG_INVALID_VALUE {2}at gateway\.tracing\.exporter$/),
        '  expected one of otlp, console; got "zipkin"',
        '    2 |   enabled: true',
        '  > 3 |   exporter: zipkin',
        '      |             ^',
      ]);
    } finally {
      await dir.remove();
    }
  });
});
