import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { TRACE_EXPORTERS, TRACING_KEYS } from '../../src/config/check-tracing-shape.ts';
import { resolveTracingSettings, TRACING_DEFAULTS } from '../../src/observability/tracing-settings.ts';
import { markedBlock, readDoc } from '../support/markdown.ts';

/** docs/config.md's tracing section: its examples load, every key has a row, the defaults are the code's. */
const CONFIG_DOC = readDoc('docs/config.md');

function gatewayOf(text: string, env: Record<string, string>) {
  const { errors, config } = checkConfigSources({ connectorFiles: [], schemaFiles: [], gatewayFile: { file: 'gateway.yaml', text } }, env);
  expect(errors).toEqual([]);
  return config.gateway;
}

function documentedDefault(name: string): string {
  const row = CONFIG_DOC.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
  expect(row, `docs/config.md has a row for ${name}`).toBeDefined();
  return row!.split('|')[2]!.trim();
}

describe('docs/config.md tracing section', () => {
  test('the full example is valid and means what its comments say', () => {
    const settings = resolveTracingSettings(undefined, gatewayOf(markedBlock(CONFIG_DOC, 'tracing-example'), { OTEL_TOKEN: 't0k' }));
    expect(settings).toEqual({
      enabled: true,
      exporter: 'otlp',
      endpoint: 'http://otel-collector:4318/v1/traces',
      headers: { authorization: 'Bearer t0k' },
      serviceName: 'tessera',
      sampleRatio: 0.1,
    });
  });

  test('the collector example takes its endpoint from the environment, with a local default', () => {
    const text = markedBlock(CONFIG_DOC, 'tracing-collector');
    expect(gatewayOf(text, {}).tracing?.endpoint).toBe('http://localhost:4318/v1/traces');
    expect(gatewayOf(text, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example:4318/v1/traces' }).tracing?.endpoint).toBe('https://traces.example:4318/v1/traces');
  });

  test.for(TRACING_KEYS)('tracing.%s has a row in the settings table', (key) => {
    documentedDefault(`tracing.${key}`);
  });

  test('the documented defaults are the real ones', () => {
    expect(documentedDefault('tracing.enabled')).toBe('`false`');
    expect(documentedDefault('tracing.exporter')).toBe(`\`${TRACING_DEFAULTS.exporter}\``);
    expect(documentedDefault('tracing.serviceName')).toBe(`\`${TRACING_DEFAULTS.serviceName}\``);
    expect(documentedDefault('tracing.sampleRatio')).toBe(`\`${TRACING_DEFAULTS.sampleRatio}\``);
    expect(resolveTracingSettings(undefined, gatewayOf('', {}))).toMatchObject({ enabled: false, ...TRACING_DEFAULTS });
    const exporterRow = CONFIG_DOC.split('\n').find((line) => line.startsWith('| `tracing.exporter` |'))!;
    for (const exporter of TRACE_EXPORTERS) expect(exporterRow.split('|')[3]).toContain(`\`${exporter}\`:`);
  });
});
