import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { displayPath } from '../errors/format-config-error.ts';
import { parseYamlWithPositions } from './yaml-with-positions.ts';
import { interpolateEnv, type Env } from './interpolate-env.ts';
import { checkConnectorShape, connectorNameOf } from './check-connector-shape.ts';
import { checkGatewayShape, EMPTY_GATEWAY_CONFIG } from './check-gateway-shape.ts';
import { checkCallersShape } from './check-callers-shape.ts';
import { readJwksFile } from './read-jwks-file.ts';
import type { CallersConfig, Config, ConnectorConfig, SchemaFile } from './types.ts';

/** One connector file's text, with the path it is reported under. */
export interface ConnectorFile {
  file: string;
  text: string;
}

/** Config as text, before parsing: what loadConfig reads from disk, or what a test writes inline. */
export interface ConfigSources {
  connectorFiles: readonly ConnectorFile[];
  schemaFiles: readonly SchemaFile[];
  /** The optional gateway.yaml (server protection, rate limits). */
  gatewayFile?: ConnectorFile | undefined;
  /** The optional callers.yaml (who may call, API keys, JWT verification, scopes). */
  callersFile?: ConnectorFile | undefined;
}

export interface LoadConfigOptions {
  schemasDir: string;
  connectorsDir: string;
  /** Path of the optional gateway.yaml; a missing file means every default. */
  gatewayFile?: string | undefined;
  /** Path of the optional callers.yaml; a missing file means authentication is off. */
  callersFile?: string | undefined;
  /** Values for `${VAR}` in connector files; defaults to process.env. */
  env?: Env;
}

/** What loading produced: every problem found, and the connectors that had none. */
export interface LoadResult {
  config: Config;
  errors: ConfigError[];
}

const CONNECTOR_FILE = /\.ya?ml$/i;
const SCHEMA_FILE = /\.graphql$/i;

/**
 * Reads `connectors/*.yaml|*.yml` and `schemas/*.graphql`, each folder sorted by file name so
 * that output is the same on every machine, and shape-checks the connectors. Never throws for
 * the user's mistakes: every one of them is in `errors`.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadResult> {
  // One error list per read: the reads race, and the report must not depend on which wins.
  const connectorErrors: ConfigError[] = [];
  const schemaErrors: ConfigError[] = [];
  const gatewayErrors: ConfigError[] = [];
  const callersErrors: ConfigError[] = [];
  const [connectorFiles, schemaFiles, gatewayFile, callersFile] = await Promise.all([
    readFolder(options.connectorsDir, CONNECTOR_FILE, 'connectors', '*.yaml or *.yml', connectorErrors),
    readFolder(options.schemasDir, SCHEMA_FILE, 'schemas', '*.graphql', schemaErrors),
    options.gatewayFile === undefined ? undefined : readOptionalFile(options.gatewayFile, gatewayErrors, 'gateway'),
    options.callersFile === undefined ? undefined : readOptionalFile(options.callersFile, callersErrors, 'callers'),
  ]);
  const checked = checkConfigSources({ connectorFiles, schemaFiles, gatewayFile, callersFile }, options.env ?? process.env);
  return { config: checked.config, errors: [...connectorErrors, ...schemaErrors, ...gatewayErrors, ...callersErrors, ...checked.errors] };
}

/**
 * Builds a Config from file texts: parses each connector's YAML, fills in `${VAR}`s from `env`,
 * checks its shape and rejects duplicate connector names. Schema files are passed through
 * unparsed (blueprint/ parses them). Errors come per file in order, sorted by position within it.
 */
export function checkConfigSources(sources: ConfigSources, env: Env = {}): LoadResult {
  const errors: ConfigError[] = [];
  const connectors: ConnectorConfig[] = [];
  const fileByName = new Map<string, string>();
  for (const { file, text } of sources.connectorFiles) {
    const parsed = parseYamlWithPositions(file, text, `connectors.${connectorNameOf(undefined, file)}`);
    if (parsed.value === undefined) {
      errors.push(...byPosition(parsed.errors));
      continue;
    }
    const name = connectorNameOf(parsed.value, file);
    const interpolated = interpolateEnv(parsed.value, env, parsed.sourceMap, `connectors.${name}`);
    const shape = checkConnectorShape(interpolated.value, parsed.sourceMap);
    // A value whose variable is unset would also fail its shape check; one error per value is enough.
    const envPaths = new Set(interpolated.errors.map((e) => e.configPath));
    const fileErrors = [...parsed.errors, ...interpolated.errors, ...shape.errors.filter((e) => !envPaths.has(e.configPath))];

    const first = fileByName.get(name);
    if (first !== undefined) {
      fileErrors.push(
        new ConfigError(ErrorCodes.CONFIG_DUPLICATE_NAME, `expected each connector name once; "${name}" is already the name of ${displayPath(first)}`, {
          source: parsed.sourceMap.locate(['name'], 'value'),
          configPath: `connectors.${name}`,
        }),
      );
    } else {
      fileByName.set(name, file);
    }
    errors.push(...byPosition(fileErrors));
    if (shape.connector && fileErrors.every((e) => e.severity === 'warning')) connectors.push(shape.connector);
  }
  let gateway = EMPTY_GATEWAY_CONFIG;
  if (sources.gatewayFile) {
    const { file, text } = sources.gatewayFile;
    const parsed = parseYamlWithPositions(file, text, 'gateway');
    const interpolated = parsed.value === undefined ? { value: undefined, errors: [] } : interpolateEnv(parsed.value, env, parsed.sourceMap, 'gateway');
    const shape = parsed.value === undefined ? { gateway: undefined, errors: [] } : checkGatewayShape(interpolated.value, parsed.sourceMap);
    const envPaths = new Set(interpolated.errors.map((e) => e.configPath));
    errors.push(...byPosition([...parsed.errors, ...interpolated.errors, ...shape.errors.filter((e) => !envPaths.has(e.configPath))]));
    if (shape.gateway) gateway = shape.gateway;
  }
  let callers: CallersConfig | undefined;
  if (sources.callersFile) {
    const { file, text } = sources.callersFile;
    const parsed = parseYamlWithPositions(file, text, 'callers');
    const interpolated = parsed.value === undefined ? { value: undefined, errors: [] } : interpolateEnv(parsed.value, env, parsed.sourceMap, 'callers');
    const shape = parsed.value === undefined ? { callers: undefined, errors: [] } : checkCallersShape(interpolated.value, parsed.sourceMap);
    const envPaths = new Set(interpolated.errors.map((e) => e.configPath));
    const fileErrors = [...parsed.errors, ...interpolated.errors, ...shape.errors.filter((e) => !envPaths.has(e.configPath))];
    if (shape.callers?.jwt?.jwksFile !== undefined) {
      const read = readJwksFile(shape.callers.jwt.jwksFile, parsed.sourceMap);
      if ('error' in read) fileErrors.push(read.error);
      else shape.callers.jwt.jwks = read.jwks;
    }
    errors.push(...byPosition(fileErrors));
    // A broken callers.yaml never means "no authentication": the whole config is refused.
    if (fileErrors.length === 0) callers = shape.callers;
  }
  return { config: { connectors, schemaFiles: [...sources.schemaFiles], gateway, ...(callers ? { callers } : {}) }, errors };
}

/** Reads a file that may be absent (absent = defaults); any other read failure is an error. */
async function readOptionalFile(file: string, errors: ConfigError[], configPath: string): Promise<ConnectorFile | undefined> {
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    errors.push(
      new ConfigError(ErrorCodes.CONFIG_FILE_UNREADABLE, `expected a readable file; got ${systemReason(error)}`, {
        source: { file, line: 1, column: 1 },
        configPath,
        cause: error,
      }),
    );
    return undefined;
  }
}

/** Reads every matching file of one folder, sorted by name; a folder or file it cannot read becomes an error. */
async function readFolder(dir: string, pattern: RegExp, configPath: string, what: string, errors: ConfigError[]): Promise<{ file: string; text: string }[]> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    // Symlinks are followed by readFile below; sub-folders are not config.
    names = entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && pattern.test(e.name)).map((e) => e.name);
  } catch (error) {
    errors.push(
      new ConfigError(ErrorCodes.CONFIG_FILE_UNREADABLE, `expected a readable folder "${displayPath(dir)}" of ${what} files; got ${systemReason(error)}`, {
        configPath,
        cause: error,
      }),
    );
    return [];
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const read = await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      try {
        return { file, text: await readFile(file, 'utf8') };
      } catch (error) {
        return { file, error };
      }
    }),
  );
  const files: { file: string; text: string }[] = [];
  // Errors are added in name order, not in the order the reads happen to finish.
  for (const entry of read) {
    if (entry.text !== undefined) {
      files.push({ file: entry.file, text: entry.text });
      continue;
    }
    errors.push(
      new ConfigError(ErrorCodes.CONFIG_FILE_UNREADABLE, `expected a readable file; got ${systemReason(entry.error)}`, {
        source: { file: entry.file, line: 1, column: 1 },
        configPath,
        cause: entry.error,
      }),
    );
  }
  return files;
}

/** `ENOENT: no such file or directory`, without the path Node appends (the message names it already). */
function systemReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(', ')[0] ?? message;
}

function byPosition(errors: readonly ConfigError[]): ConfigError[] {
  return [...errors].sort((a, b) => (a.source?.line ?? 0) - (b.source?.line ?? 0) || (a.source?.column ?? 0) - (b.source?.column ?? 0));
}
