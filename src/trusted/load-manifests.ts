import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, validate, GraphQLError, type GraphQLSchema } from 'graphql';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { parseYamlWithPositions } from '../config/yaml-with-positions.ts';
import { checkKeys, describe, isMapping, readMapping, report, type Checker } from '../config/shape-checker.ts';
import type { TrustedDocument } from './trusted-documents.ts';

const APOLLO_FORMAT = 'apollo-persisted-query-manifest';
const APOLLO_KEYS = ['format', 'version', 'operations'];
const OPERATION_KEYS = ['id', 'name', 'type', 'body'];

/** The manifests' documents and their texts (for the config version), with every problem found. */
export interface LoadedManifests {
  documents: TrustedDocument[];
  texts: string[];
  errors: ConfigError[];
}

/**
 * Reads each manifest (paths relative to the config folder): an Apollo persisted-query manifest
 * (`{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, name, type, body }] }`)
 * or a Relay one (`{ "<id>": "<document>" }`). Every problem is reported at its file:line:col.
 */
export async function loadManifests(configDir: string, files: readonly string[]): Promise<LoadedManifests> {
  const out: LoadedManifests = { documents: [], texts: [], errors: [] };
  const seen = new Map<string, TrustedDocument>();
  for (const name of files) {
    const file = path.join(configDir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      out.errors.push(new ConfigError(ErrorCodes.CONFIG_FILE_UNREADABLE, `cannot read the trusted documents manifest ${name}: ${(error as Error).message}`, { configPath: 'gateway.trustedDocuments.manifests' }));
      continue;
    }
    out.texts.push(text);
    const parsed = parseYamlWithPositions(file, text, `trustedDocuments.${name}`);
    out.errors.push(...parsed.errors.filter((e) => e.severity === 'error'));
    if (parsed.value === undefined) continue;
    const c: Checker = { prefix: `manifest`, sourceMap: parsed.sourceMap, errors: out.errors };
    for (const document of readManifest(c, parsed.value)) {
      const twin = seen.get(document.id);
      if (twin && twin.body !== document.body) {
        report(c, ErrorCodes.CONFIG_DUPLICATE_NAME, `expected each id once; "${document.id}" is also in ${twin.source.file}:${twin.source.line} with another document`, []);
        continue;
      }
      seen.set(document.id, document);
      out.documents.push(document);
    }
  }
  return out;
}

function readManifest(c: Checker, value: unknown): TrustedDocument[] {
  const top = readMapping(c, value, [], 'a persisted-query manifest: an Apollo manifest object or a Relay map of ids to documents');
  if (!top) return [];
  if (top.format === undefined) return readRelay(c, top);
  checkKeys(c, top, [], APOLLO_KEYS);
  if (top.format !== APOLLO_FORMAT) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected format "${APOLLO_FORMAT}"; got ${describe(top.format)}`, ['format']);
  if (top.version !== 1) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected version 1; got ${describe(top.version)}`, ['version']);
  if (!Array.isArray(top.operations)) {
    report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected operations: a list of { id, name, type, body }; got ${describe(top.operations)}`, ['operations']);
    return [];
  }
  const documents: TrustedDocument[] = [];
  top.operations.forEach((operation: unknown, i) => {
    const at = ['operations', i];
    if (!isMapping(operation)) return report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected { id, name, type, body }; got ${describe(operation)}`, at);
    checkKeys(c, operation, at, OPERATION_KEYS);
    const { id, name, body } = operation;
    if (typeof id !== 'string' || id === '') return report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected id: the operation's id (its sha256); got ${describe(id)}`, [...at, 'id']);
    if (typeof body !== 'string') return report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected body: the document text; got ${describe(body)}`, [...at, 'body']);
    documents.push({ id, body, name: typeof name === 'string' ? name : undefined, source: c.sourceMap.locate([...at, 'body']) });
  });
  return documents;
}

function readRelay(c: Checker, top: Record<string, unknown>): TrustedDocument[] {
  const documents: TrustedDocument[] = [];
  for (const [id, body] of Object.entries(top)) {
    if (typeof body !== 'string') {
      report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected the document text of id "${id}" (a Relay manifest maps ids to documents); got ${describe(body)}`, [id]);
      continue;
    }
    documents.push({ id, body, name: undefined, source: c.sourceMap.locate([id]) });
  }
  return documents;
}

/** Checks every manifest document against the schema: each problem names its file, line and operation. */
export function validateTrustedDocuments(documents: readonly TrustedDocument[], schema: GraphQLSchema): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const document of documents) {
    let problems: readonly GraphQLError[];
    try {
      problems = validate(schema, parse(document.body));
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      problems = [error];
    }
    const label = document.name ? `operation "${document.name}" (id ${document.id})` : `the document of id ${document.id}`;
    for (const problem of problems) {
      errors.push(new ConfigError(ErrorCodes.CONFIG_INVALID_PERSISTED_DOCUMENT, `expected a trusted document valid against the schema; ${label}: ${problem.message}`, { source: document.source, configPath: 'gateway.trustedDocuments' }));
    }
  }
  return errors;
}
