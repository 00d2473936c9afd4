import { parseArgs } from 'node:util';
import path from 'node:path';
import { GatewayError } from '../../errors/gateway-error.ts';
import { didYouMean } from '../../util/did-you-mean.ts';

const USAGE = 'Usage: tessera scaffold --openapi SPEC.yaml --name NAME [--out DIR] [--force]\n';
const OPTIONS = { openapi: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false } } as const;

/** `tessera scaffold`: writes connectors/NAME.yaml and schemas/NAME.graphql from an OpenAPI document. */
export async function runScaffold(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS }));
  } catch (error) {
    const unknown = /^Unknown option '--([^']*)'/.exec((error as Error).message);
    const message = unknown ? `Unknown option --${unknown[1]}.${didYouMean(unknown[1]!, Object.keys(OPTIONS))}` : (error as Error).message;
    process.stderr.write(`${message}\n${USAGE}`);
    return 2;
  }
  if (!values.openapi || !values.name) {
    process.stderr.write(USAGE);
    return 2;
  }
  const outDir = values.out ?? process.cwd();
  try {
    // Loaded only for this command: the OpenAPI parser and its JSON Schema validator are no
    // business of a serving gateway's start-up time or heap.
    const { writeScaffold } = await import('../../scaffold/write-scaffold.ts');
    const written = await writeScaffold({ specFile: values.openapi, name: values.name, outDir, force: values.force });
    const where = (f: string) => (values.out ? path.join(values.out, f) : f);
    process.stdout.write(
      `Wrote ${written.files.map(where).join(' and ')}: ${written.operations.length} operation(s).\n` +
        written.operations.map((o) => `  ${o}\n`).join('') +
        `Next: edit them, then tessera validate${values.out ? ` --config-dir ${values.out}` : ''}\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    process.stderr.write(`${error.code}  ${error.message}\n`);
    return 1;
  }
}
