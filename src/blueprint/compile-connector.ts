import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { ConnectorConfig, OperationConfig } from '../config/types.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import type { BodyTemplate, CompiledOperation } from './ir.ts';
import type { EnvelopePolicy } from '../resilience/index.ts';
import { parseTemplate, templateError, type Template } from './template.ts';
import { locateScalarContent } from './locate-in-yaml.ts';
import { compileBatchAnswer, describeBatchAnswer } from './compile-batch-answer.ts';
import { resolveCallPolicy } from '../resilience/policy.ts';
import { compileEnvelope } from './compile-envelope.ts';
import { compilePagination } from './compile-pagination.ts';

/** The reserved template name carrying a batch's keys. */
export const KEYS_REF = 'keys';
/**
 * The reserved template name carrying the upstream field names the plan needs from this
 * operation's items (`?fields=id,full_name`), for upstreams that can trim their answer.
 */
export const FIELDS_REF = 'fields';
const RESERVED_REFS = [KEYS_REF, FIELDS_REF];

/** Compiles every operation of one connector; collects every template problem instead of stopping. */
export function compileConnector(connector: ConnectorConfig, errors: ConfigError[]): CompiledOperation[] {
  const url = new URL(connector.baseUrl);
  const basePath = url.pathname.replace(/\/+$/, '');
  const compiled: CompiledOperation[] = [];
  for (const op of Object.values(connector.operations)) {
    const opPath = ['operations', op.name];
    const configPrefix = `connectors.${connector.name}.operations.${op.name}`;
    const known = new Set(Object.keys(op.params));
    if (op.batch) known.add(KEYS_REF);
    let usesKeys = false;
    let selectsFields = false;
    for (const name of RESERVED_REFS) {
      if (name in op.params) {
        errors.push(
          new ConfigError(ErrorCodes.CONFIG_INVALID_VALUE, `expected a param name other than "${name}": {${name}} is reserved for the gateway`, {
            source: connector.sourceMap.locate([...opPath, 'params', name], 'key'),
            configPath: `${configPrefix}.params.${name}`,
          }),
        );
      }
    }

    const compileOne = (text: string, path: (string | number)[]): Template => {
      const { template, errors: syntax } = parseTemplate(text);
      const where = locateScalarContent(connector.sourceMap, path);
      const dotted = `connectors.${connector.name}.${path.join('.')}`;
      for (const e of syntax) errors.push(templateError(e.message, where, e.offset, dotted));
      for (const ref of template.refs) {
        const name = ref.path.join('.');
        if (name === KEYS_REF && op.batch) {
          usesKeys = true;
          continue;
        }
        if (name === FIELDS_REF) {
          selectsFields = true;
          continue;
        }
        if (ref.path.length === 1 && known.has(name)) continue;
        const hint = name === KEYS_REF ? ' {keys} is only available in operations with a `batch` section.' : didYouMean(name, [...known]);
        errors.push(
          templateError(
            `expected a declared param${known.size ? ` (${[...known].join(', ')})` : ''}; got {${name}}.${hint}`,
            where,
            ref.offset,
            dotted,
            ErrorCodes.CONFIG_UNKNOWN_REFERENCE,
          ),
        );
      }
      return template;
    };

    const path = compileOne(op.path, [...opPath, 'path']);
    const query = Object.entries(op.query).map(([k, v]): [string, Template] => [k, compileOne(v, [...opPath, 'query', k])]);
    const headers = Object.entries({ ...connector.headers, ...op.headers }).map(([k, v]): [string, Template] => [
      k.toLowerCase(),
      compileOne(v, k in op.headers ? [...opPath, 'headers', k] : ['headers', k]),
    ]);
    const body = op.body === undefined ? undefined : compileBody(op.body, [...opPath, 'body'], compileOne);

    if (op.batch && !usesKeys) {
      errors.push(
        new ConfigError(ErrorCodes.CONFIG_MISSING_PARAM, 'expected the batched operation to send its keys: use "{keys}" in its query, path or body', {
          source: connector.sourceMap.locate([...opPath, 'batch'], 'key'),
          configPath: `${configPrefix}.batch`,
        }),
      );
    }
    const envelope = compileEnvelope(connector, op, errors);
    const pagination = compilePagination(connector, op, errors);
    compiled.push(freezeOperation(connector, op, basePath, url.origin, { path, query, headers, body, selectsFields, pagination }, envelope));
  }
  return compiled;
}

function compileBody(
  value: unknown,
  path: (string | number)[],
  compileOne: (text: string, path: (string | number)[]) => Template,
): BodyTemplate {
  if (typeof value === 'string') return { kind: 'template', template: compileOne(value, path) };
  if (Array.isArray(value)) return { kind: 'array', items: value.map((v, i) => compileBody(v, [...path, i], compileOne)) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([k, v]) => [k, compileBody(v, [...path, k], compileOne)]) };
  }
  return { kind: 'literal', value };
}

function freezeOperation(
  connector: ConnectorConfig,
  op: OperationConfig,
  basePath: string,
  origin: string,
  parts: Pick<CompiledOperation, 'path' | 'query' | 'headers' | 'body' | 'selectsFields' | 'pagination'>,
  envelope: EnvelopePolicy | undefined,
): CompiledOperation {
  return Object.freeze({
    id: `${connector.name}.${op.name}`,
    connector: connector.name,
    name: op.name,
    transport: connector.transport,
    method: op.method,
    origin,
    basePath,
    ...parts,
    forwardHeaders: connector.forwardHeaders.length > 0 ? Object.freeze(connector.forwardHeaders.map((h) => Object.freeze({ ...h }))) : undefined,
    params: new Map(Object.entries(op.params).map(([k, v]) => [k, v.type])),
    batch: op.batch,
    answerReader: op.batch && compileBatchAnswer(op.batch),
    answerLabel: op.batch && describeBatchAnswer(op.batch),
    resultPath: op.result === '' ? [] : op.result.split('.'),
    // Looked up once here, so an answer that does not fit can say where its shape was declared.
    declaredAt: Object.freeze({
      result: connector.sourceMap.locate(['operations', op.name, 'result'], 'value'),
      keyField: op.batch ? connector.sourceMap.locate(['operations', op.name, 'batch', 'keyField'], 'value') : undefined,
    }),
    timeoutMs: op.timeoutMs ?? connector.timeoutMs,
    // Only headers filled from params or from the caller vary between calls; constant ones need
    // not key the cache. Forwarded ones must: two callers' tokens never share an answer.
    policy: resolveCallPolicy(
      connector,
      op,
      [...parts.headers.filter(([, t]) => t.refs.length > 0).map(([name]) => name), ...connector.forwardHeaders.map((h) => h.to)],
      envelope,
    ),
  });
}
