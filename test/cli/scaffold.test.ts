import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/gateway.ts';

const MAIN = path.join(REPO_ROOT, 'src/cli/main.ts');
const SPEC = 'test/fixtures/openapi/orders-openapi3.yaml';

/** Runs the real CLI in a child process and returns its exit code and output. */
function tessera(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'silent' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'tessera-scaffold-cli-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('tessera scaffold', () => {
  test('writes the connector and schema, lists the operations, and tessera validate accepts them', async () => {
    const result = await tessera(['scaffold', '--openapi', SPEC, '--name', 'orders', '--out', out]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `Wrote ${path.join(out, 'connectors/orders.yaml')} and ${path.join(out, 'schemas/orders.graphql')}: 5 operation(s).`,
        '  listOrders GET /orders',
        '  createOrder POST /orders',
        '  getOrder GET /orders/{orderId}',
        '  deleteOrdersByOrderId DELETE /orders/{orderId}',
        '  getCustomersByCustomerIdSummary GET /customers/{customerId}/summary',
        `Next: edit them, then tessera validate --config-dir ${out}`,
        '',
      ].join('\n'),
    });
    expect(await tessera(['validate', '--config-dir', out])).toEqual({ code: 0, stdout: 'OK: 1 connectors, 5 operations.\n', stderr: '' });
  });

  test('a second run refuses to overwrite and exits 1', async () => {
    const result = await tessera(['scaffold', '--openapi', SPEC, '--name', 'orders', '--out', out]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `SCAFFOLD_OUTPUT_EXISTS  ${path.join(out, 'connectors/orders.yaml')} and ${path.join(out, 'schemas/orders.graphql')} already exist; nothing was written (--force replaces them)\n`,
    });
    expect((await tessera(['scaffold', '--openapi', SPEC, '--name', 'orders', '--out', out, '--force'])).code).toBe(0);
  });

  test('a broken spec names the file and the problems, writes nothing, exits 1', async () => {
    const result = await tessera(['scaffold', '--openapi', 'test/fixtures/openapi/broken.yaml', '--name', 'broken', '--out', out]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'SCAFFOLD_INVALID_SPEC  test/fixtures/openapi/broken.yaml is not a valid OpenAPI 3 or Swagger 2.0 document:',
        '  Swagger schema validation failed.',
        "    #/info must have required property 'version'",
        '    #/paths/~1things/get/responses must NOT have fewer than 1 properties',
        '',
      ].join('\n'),
    });
    expect(await readdir(path.join(out, 'connectors'))).toEqual(['orders.yaml']);
  });

  test.for([
    { args: ['scaffold', '--name', 'orders'], stderr: 'Usage: tessera scaffold --openapi SPEC.yaml --name NAME [--out DIR] [--force]\n' },
    { args: ['scaffold', '--openapi', SPEC, '--nmae', 'x'], stderr: 'Unknown option --nmae. Did you mean "name"?\nUsage: tessera scaffold --openapi SPEC.yaml --name NAME [--out DIR] [--force]\n' },
  ])('bad arguments print usage and exit 2: $args', async ({ args, stderr }) => {
    expect(await tessera(args)).toEqual({ code: 2, stdout: '', stderr });
  });
});
