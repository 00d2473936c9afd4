import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { GatewayError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { scaffoldFromOpenApi, type Scaffold } from './openapi-to-connector.ts';

export interface WriteScaffoldOptions {
  /** The OpenAPI 3 or Swagger 2.0 document (YAML or JSON). */
  specFile: string;
  name: string;
  /** The config folder that gets `connectors/<name>.yaml` and `schemas/<name>.graphql`. */
  outDir: string;
  /** Replace files that already exist (default: refuse, and write nothing). */
  force?: boolean;
}

/** What was written, relative to `outDir`, and the scaffold itself. */
export interface WrittenScaffold extends Scaffold {
  files: string[];
}

/**
 * `tessera scaffold`: scaffolds a connector and its schema from an OpenAPI document into a
 * config folder. The new Query fields extend a Query type that the folder's other schema files
 * already declare, so the result validates either way. Existing files are never replaced unless
 * `force` is set; then nothing is written at all.
 */
export async function writeScaffold(options: WriteScaffoldOptions): Promise<WrittenScaffold> {
  const connectorFile = path.join('connectors', `${options.name}.yaml`);
  const schemaFile = path.join('schemas', `${options.name}.graphql`);
  const files = [connectorFile, schemaFile];
  if (!options.force) {
    const existing = (await Promise.all(files.map(async (f) => ((await exists(path.join(options.outDir, f))) ? f : undefined)))).filter(Boolean);
    if (existing.length > 0) {
      throw new GatewayError(ErrorCodes.SCAFFOLD_OUTPUT_EXISTS, `${existing.map((f) => path.join(options.outDir, f!)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written (--force replaces ${existing.length === 1 ? 'it' : 'them'})`);
    }
  }
  const queryRoot = (await declaresQuery(path.join(options.outDir, 'schemas'), `${options.name}.graphql`)) ? 'extend' : 'type';
  const scaffold = await scaffoldFromOpenApi(options.specFile, { name: options.name, queryRoot });
  await mkdir(path.join(options.outDir, 'connectors'), { recursive: true });
  await mkdir(path.join(options.outDir, 'schemas'), { recursive: true });
  await writeFile(path.join(options.outDir, connectorFile), scaffold.connectorYaml);
  await writeFile(path.join(options.outDir, schemaFile), scaffold.schemaSdl);
  return { ...scaffold, files };
}

/** True if a schema file other than `except` declares `type Query` (a file that does not parse is validate's business). */
async function declaresQuery(schemasDir: string, except: string): Promise<boolean> {
  const names = await readdir(schemasDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.endsWith('.graphql') || name === except) continue;
    try {
      const document = parse(await readFile(path.join(schemasDir, name), 'utf8'));
      if (document.definitions.some((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Query')) return true;
    } catch {
      continue;
    }
  }
  return false;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
