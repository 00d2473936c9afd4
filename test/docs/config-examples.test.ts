import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { compileConnector } from '../../src/blueprint/compile-connector.ts';
import type { ConfigError } from '../../src/errors/gateway-error.ts';
import { REPO_ROOT } from '../support/gateway.ts';

const CONFIG_MD = readFileSync(path.join(REPO_ROOT, 'docs/config.md'), 'utf8');

/** Every ```yaml block of docs/config.md that is a whole connector file (`# connectors/<name>.yaml`). */
const EXAMPLES = [...CONFIG_MD.matchAll(/```yaml\n# (connectors\/[a-z-]+\.yaml)\n([\s\S]*?)```/g)].map(([, file, text]) => ({ file: file!, text: text! }));

describe('docs/config.md connector examples', () => {
  test('there are examples for coalesce, envelope and pagination', () => {
    expect(EXAMPLES.map((e) => e.file)).toEqual(expect.arrayContaining(['connectors/orders.yaml', 'connectors/billing.yaml', 'connectors/shop.yaml']));
  });

  test.for(EXAMPLES)('$file is valid config, shape and meaning', ({ file, text }) => {
    const { errors, config } = checkConfigSources({ connectorFiles: [{ file, text }], schemaFiles: [] }, {});
    expect(errors).toEqual([]);
    const compileErrors: ConfigError[] = [];
    for (const connector of config.connectors) compileConnector(connector, compileErrors);
    expect(compileErrors).toEqual([]);
  });
});
