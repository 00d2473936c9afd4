import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Document, isMap, type Node } from 'yaml';
import { GatewayError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { SdlTypes, type JsonSchema } from './json-schema-to-sdl.ts';
import { camelCase, envName, fieldName, pascalCase, uniqueName } from './names.ts';

export interface ScaffoldOptions {
  /** The connector's name: `connectors/<name>.yaml`, `@source(connector: "<name>")`. */
  name: string;
  /** `extend`: the schema folder already has a Query type, so the new fields extend it. */
  queryRoot?: 'type' | 'extend';
}

/** What `tessera scaffold` writes: a connector file and a starting schema, for the operator to edit. */
export interface Scaffold {
  connectorYaml: string;
  schemaSdl: string;
  /** `listOrders GET /orders`, one line per operation, for the CLI's summary. */
  operations: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Template names the gateway reserves (blueprint/compile-connector.ts): a param must not take them. */
const RESERVED_PARAMS = new Set(['keys', 'fields']);
const CONNECTOR_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Header parameters the OpenAPI specification says to ignore (3.0 §4.7.12.1): the protocol and security schemes own them. */
const IGNORED_HEADER_PARAMS = new Set(['accept', 'content-type', 'authorization']);

/**
 * Reads an OpenAPI 3 or Swagger 2.0 document with @apidevtools/swagger-parser (which validates it
 * against the specification and follows `$ref`s across files) and scaffolds a connector from it.
 * A document that cannot be read or is invalid is a SCAFFOLD_INVALID_SPEC error naming the file
 * and every problem the parser found.
 */
export async function scaffoldFromOpenApi(specFile: string, options: ScaffoldOptions): Promise<Scaffold> {
  checkName(options.name);
  let bundled: unknown;
  try {
    // validate() checks the whole document; bundle() keeps internal $refs, whose names become type names.
    await SwaggerParser.validate(specFile);
    bundled = await SwaggerParser.bundle(specFile);
  } catch (error) {
    const reason = error instanceof Error ? error.message.trim() : String(error);
    // swagger-parser reports a document that breaks the specification as a SyntaxError.
    const what = error instanceof Error && error.name === 'SyntaxError' ? 'is not a valid OpenAPI 3 or Swagger 2.0 document' : 'cannot be read as an OpenAPI document';
    throw new GatewayError(ErrorCodes.SCAFFOLD_INVALID_SPEC, `${specFile} ${what}:\n  ${reason.replace(/\n/g, '\n  ')}`, { cause: error });
  }
  return scaffoldFromDocument(bundled as JsonSchema, { ...options, specName: path.basename(specFile) });
}

/** The scaffold of an already parsed and validated document (its `$ref`s internal, as bundle() leaves them). */
export function scaffoldFromDocument(doc: JsonSchema, options: ScaffoldOptions & { specName?: string }): Scaffold {
  checkName(options.name);
  const types = new SdlTypes((ref) => resolvePointer(doc, ref));
  const operations: Record<string, unknown> = {};
  const comments = new Map<string, string>();
  const queryFields: string[] = [];
  const notBound: string[] = [];
  const summary: string[] = [];
  const opNames = new Set<string>();

  for (const [route, item] of Object.entries(asObject(doc.paths))) {
    const pathItem = asObject(resolveRef(doc, item));
    for (const method of METHODS) {
      const op = pathItem[method];
      if (!isObject(op)) continue;
      const name = uniqueName(camelCase(typeof op.operationId === 'string' ? op.operationId : `${method} ${route.replace(/\{([^}]*)\}/g, ' by $1 ')}`), opNames);
      const built = buildOperation(doc, types, name, method, route, [...asList(pathItem.parameters), ...asList(op.parameters)], op);
      operations[name] = built.config;
      const title = typeof op.summary === 'string' ? `: ${op.summary.split('\n', 1)[0]}` : '';
      comments.set(name, [` ${method.toUpperCase()} ${route}${title}`, ...built.notes.map((n) => ` ${n}`)].join('\n'));
      summary.push(`${name} ${method.toUpperCase()} ${route}`);
      if (method === 'get' && built.responseType) queryFields.push(queryField(options.name, name, built));
      else notBound.push(`#   ${name} (${method.toUpperCase()} ${route})${method === 'get' ? ': no JSON response schema to type' : ''}`);
    }
  }

  const connector = new Document({ baseUrl: `\${${envName(options.name)}_URL:-${baseUrlOf(doc)}}`, operations });
  const info = asObject(doc.info);
  connector.commentBefore = [
    ` Scaffolded by \`tessera scaffold\` from ${options.specName ?? 'an OpenAPI document'}${typeof info.title === 'string' ? ` (${info.title}${typeof info.version === 'string' ? ` ${info.version}` : ''})` : ''}.`,
    ' A starting point: add batch: sections for list endpoints, cache:, retry: and forwardHeaders: as needed.',
    ...credentialHints(doc, options.name),
  ].join('\n');
  const opsNode = connector.get('operations', true);
  if (isMap(opsNode)) {
    for (const pair of opsNode.items) {
      const key = pair.key as Node & { value?: unknown };
      const comment = comments.get(String(key.value));
      if (comment) key.commentBefore = comment;
    }
  }
  return { connectorYaml: connector.toString({ lineWidth: 0 }), schemaSdl: schemaOf(options, types, queryFields, notBound), operations: summary };
}

interface BuiltOperation {
  config: Record<string, unknown>;
  /** Param name → GraphQL type, for the Query field's arguments. */
  params: [string, string][];
  responseType: string | undefined;
  notes: string[];
}

function buildOperation(doc: JsonSchema, types: SdlTypes, name: string, method: string, route: string, rawParams: unknown[], op: JsonSchema): BuiltOperation {
  const params: [string, string][] = [];
  const taken = new Set<string>();
  const notes: string[] = [];
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  let opPath = route;
  let body: unknown;
  let bodySchema: unknown;
  const declare = (original: string, type: string): string => {
    const base = fieldName(original);
    const param = uniqueName(RESERVED_PARAMS.has(base) ? `${base}Param` : base, taken);
    params.push([param, type]);
    return param;
  };

  // Operation parameters override path-level ones of the same name and location (OpenAPI 3 §4.8.10).
  const byKey = new Map<string, JsonSchema>();
  for (const raw of rawParams) {
    const p = asObject(resolveRef(doc, raw));
    byKey.set(`${String(p.in)}:${String(p.name)}`, p);
  }
  for (const p of byKey.values()) {
    const original = String(p.name);
    if (p.in === 'body') {
      bodySchema = p.schema;
      continue;
    }
    if (p.in === 'header' && IGNORED_HEADER_PARAMS.has(original.toLowerCase())) {
      notes.push(`header parameter "${original}" left out: OpenAPI ignores it (credentials go in headers: or forwardHeaders:)`);
      continue;
    }
    if (p.in === 'formData' || p.in === 'cookie') {
      notes.push(`${p.in} parameter "${original}" left out: add it by hand`);
      continue;
    }
    // Swagger 2.0 puts the type on the parameter itself; OpenAPI 3 in its schema.
    const result = types.paramType(p.schema ?? p, original);
    if ('skipped' in result) {
      notes.push(`${String(p.in)} parameter "${original}" left out: ${result.skipped}`);
      continue;
    }
    const required = p.in === 'path' || p.required === true;
    const param = declare(original, `${result.type}${required ? '!' : ''}`);
    if (p.in === 'path') opPath = opPath.split(`{${original}}`).join(`{${param}}`);
    else if (p.in === 'query') query[original] = `{${param}}`;
    else if (p.in === 'header') headers[original] = `{${param}}`;
  }

  const requestBody = asObject(resolveRef(doc, op.requestBody));
  bodySchema ??= jsonContent(requestBody.content)?.schema;
  if (bodySchema !== undefined && method !== 'get') {
    const resolved = asObject(resolveRef(doc, bodySchema));
    const properties = asObject(resolved.properties);
    if (Object.keys(properties).length > 0 && !Array.isArray(resolved.allOf)) {
      const required = new Set(Array.isArray(resolved.required) ? resolved.required : []);
      const template: Record<string, string> = {};
      for (const [prop, propSchema] of Object.entries(properties)) {
        const result = types.inputType(propSchema, `${pascalCase(name)}${pascalCase(prop)}`, prop);
        if ('skipped' in result) {
          notes.push(`body property "${prop}" left out: ${result.skipped}`);
          continue;
        }
        template[prop] = `{${declare(prop, `${result.type}${required.has(prop) ? '!' : ''}`)}}`;
      }
      body = template;
    } else {
      const result = types.inputType(bodySchema, `${pascalCase(name)}Body`, 'body');
      if ('skipped' in result) notes.push(`request body left out: ${result.skipped}`);
      else body = `{${declare('body', `${result.type}${requestBody.required === true ? '!' : ''}`)}}`;
    }
  }

  const response = successResponse(doc, op);
  let responseType: string | undefined;
  if (response !== undefined) {
    const result = types.outputType(response, `${pascalCase(name)}Response`);
    if ('skipped' in result) notes.push(`response left out: ${result.skipped}`);
    else responseType = result.type;
  }

  const config: Record<string, unknown> = { method: method.toUpperCase(), path: opPath };
  if (params.length > 0) config.params = Object.fromEntries(params);
  if (Object.keys(query).length > 0) config.query = query;
  if (Object.keys(headers).length > 0) config.headers = headers;
  if (body !== undefined) config.body = body;
  return { config, params, responseType, notes };
}

/** The JSON schema of the first success answer: 200, else 201, else any 2xx, else `default`. */
function successResponse(doc: JsonSchema, op: JsonSchema): unknown {
  const responses = asObject(op.responses);
  const code = ['200', '201', ...Object.keys(responses).filter((c) => /^2\d\d$/.test(c)), 'default'].find((c) => responses[c] !== undefined);
  if (code === undefined) return undefined;
  const response = asObject(resolveRef(doc, responses[code]));
  // OpenAPI 3: content by media type; Swagger 2.0: the schema on the response.
  return jsonContent(response.content)?.schema ?? response.schema;
}

/** The `application/json` (or `…+json`, or `*\/*`) entry of a content map. */
function jsonContent(content: unknown): JsonSchema | undefined {
  const entries = Object.entries(asObject(content));
  const match = entries.find(([type]) => /^application\/(.+\+)?json\b/.test(type)) ?? entries.find(([type]) => type === '*/*');
  return match ? asObject(match[1]) : undefined;
}

function queryField(connector: string, name: string, built: BuiltOperation): string {
  const args = built.params.map(([p, t]) => `${p}: ${t}`).join(', ');
  const bound = built.params.map(([p]) => `${p}: "{args.${p}}"`).join(', ');
  const source = `@source(connector: ${JSON.stringify(connector)}, operation: ${JSON.stringify(name)}${bound ? `, params: { ${bound} }` : ''})`;
  return `  ${name}${args ? `(${args})` : ''}: ${built.responseType}\n    ${source}`;
}

function schemaOf(options: ScaffoldOptions, types: SdlTypes, queryFields: string[], notBound: string[]): string {
  const parts = [
    `# Scaffolded by \`tessera scaffold\` for connectors/${options.name}.yaml: one Query field per GET operation.\n` +
      '# Rename fields and types, drop what callers do not need, and add batch: to list endpoints (key:/keys:).',
  ];
  if (queryFields.length > 0) parts.push(`${options.queryRoot === 'extend' ? 'extend type' : 'type'} Query {\n${queryFields.join('\n')}\n}`);
  else parts.push('# No GET operation with a JSON response: bind a Query field by hand, e.g.\n# type Query { thing(id: ID!): Thing @source(connector: "…", operation: "…", params: { id: "{args.id}" }) }');
  if (notBound.length > 0) parts.push(`# In the connector but not bound (only queries are served so far):\n${notBound.join('\n')}`);
  const printed = types.print();
  if (printed) parts.push(printed);
  return `${parts.join('\n\n')}\n`;
}

/** servers[0].url with its variables' defaults (OpenAPI 3), or scheme://host/basePath (Swagger 2.0). */
function baseUrlOf(doc: JsonSchema): string {
  const server = asObject(asList(doc.servers)[0]);
  let url: string;
  if (typeof server.url === 'string') {
    const variables = asObject(server.variables);
    url = server.url.replace(/\{([^}]*)\}/g, (whole, v: string) => String(asObject(variables[v]).default ?? whole));
  } else if (typeof doc.host === 'string') {
    const scheme = asList(doc.schemes).includes('https') ? 'https' : String(asList(doc.schemes)[0] ?? 'https');
    url = `${scheme}://${doc.host}${typeof doc.basePath === 'string' ? doc.basePath : ''}`;
  } else {
    url = '/';
  }
  // A relative server URL is relative to where the document is served: unknown here.
  if (!/^https?:\/\//.test(url)) url = `http://127.0.0.1:8080${url.startsWith('/') ? '' : '/'}${url}`;
  return url.replace(/\/+$/, '');
}

/**
 * One comment line per header-borne security scheme (OpenAPI 3 `components.securitySchemes`,
 * Swagger 2.0 `securityDefinitions`): how to send that credential, statically or from the caller.
 */
function credentialHints(doc: JsonSchema, connector: string): string[] {
  const schemes = { ...asObject(asObject(doc.components).securitySchemes), ...asObject(doc.securityDefinitions) };
  const hints: string[] = [];
  for (const [name, raw] of Object.entries(schemes)) {
    const scheme = asObject(resolveRef(doc, raw));
    const token = `\${${envName(connector)}_TOKEN}`;
    const bearer = (scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') || scheme.type === 'oauth2' || scheme.type === 'openIdConnect';
    if (bearer) hints.push(` Security "${name}": headers: { authorization: "Bearer ${token}" }, or forwardHeaders: [authorization] to pass the caller's.`);
    else if (scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'basic') hints.push(` Security "${name}": headers: { authorization: "Basic ${token}" }.`);
    else if (scheme.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string') {
      hints.push(` Security "${name}": headers: { ${scheme.name.toLowerCase()}: "${token}" }, or forwardHeaders: [${scheme.name.toLowerCase()}].`);
    }
  }
  return hints;
}

function checkName(name: string): void {
  if (!CONNECTOR_NAME.test(name)) {
    throw new GatewayError(ErrorCodes.SCAFFOLD_INVALID_SPEC, `expected --name to be a connector name (a letter or _, then letters, digits, _ or -); got ${JSON.stringify(name)}`);
  }
}

/** Follows a `$ref` inside the bundled document; other values are returned as they are. */
function resolveRef(doc: JsonSchema, value: unknown): unknown {
  let v = value;
  for (let hops = 0; isObject(v) && typeof v.$ref === 'string' && hops < 32; hops++) v = resolvePointer(doc, v.$ref);
  return v;
}

/** A JSON Pointer (RFC 6901) into the document: `#/components/schemas/Order`. */
function resolvePointer(doc: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return node;
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asObject(value: unknown): JsonSchema {
  return isObject(value) ? value : {};
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
