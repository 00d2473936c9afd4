import { ConfigError } from '../../errors/gateway-error.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import type { ConfigPath, ConnectorConfig, OperationConfig } from '../../config/types.ts';
import { didYouMean } from '../../util/did-you-mean.ts';
import type { BodyTemplate } from '../../blueprint/ir.ts';
import { parseTemplate, templateError } from '../../blueprint/template.ts';
import { locateScalarContent } from '../../blueprint/locate-in-yaml.ts';
import { KEYS_REF } from '../../blueprint/compile-connector.ts';
import { renderBody } from '../../blueprint/render-body.ts';
import { describeValue, RequestValueError } from './request-value-error.ts';
import type { RequestFieldShape, RequestShape } from './request-shape.ts';

/** What one operation's request check needs, and what it found (`usesKeys`). */
export interface RequestCheck {
  connector: ConnectorConfig;
  op: OperationConfig;
  errors: ConfigError[];
  usesKeys: boolean;
}

/**
 * Compiles an RPC operation's `request:` template against its request type: every key must be a
 * field of it (nested mappings go into message fields, lists into repeated fields), every `{ref}`
 * a declared param or `{keys}`, and `{keys}` must fill a repeated field. The result renders with
 * the HTTP body renderer; the values are checked per call by the type's coercion.
 */
export function compileRpcRequest(check: RequestCheck, value: unknown, shape: RequestShape, at: ConfigPath): BodyTemplate {
  const entries: [string, BodyTemplate][] = [];
  for (const [name, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    const field = shape.field(name);
    if (!field) {
      const names = shape.fieldNames();
      fail(check, ErrorCodes.CONFIG_INVALID_VALUE, `expected a field of ${shape.fullName} (${names.join(', ') || 'it has none'}); got "${name}".${didYouMean(name, names)}`, [...at, name], 'key');
      continue;
    }
    const compiled = compileFieldValue(check, v, field, [...at, name]);
    // A value written out in full (no template in it) is checked against the field now, not per call;
    // a nested message (or a list of them) had each of its own fields checked where they are written.
    if (!hasTemplate(compiled) && (field.map || !field.message)) checkLiteral(check, shape, name, renderBody(compiled, () => undefined), [...at, name]);
    entries.push([name, compiled]);
  }
  return { kind: 'object', entries };
}

function checkLiteral(check: RequestCheck, shape: RequestShape, name: string, value: unknown, at: ConfigPath): void {
  try {
    shape.checkLiteral(name, value);
  } catch (error) {
    if (!(error instanceof RequestValueError)) throw error;
    fail(check, ErrorCodes.CONFIG_TYPE_MISMATCH, `expected ${error.expected} for ${error.fieldPath.slice(shape.pathPrefix.length + 1)}; got ${describeValue(error.got)}`, at);
  }
}

function hasTemplate(body: BodyTemplate): boolean {
  switch (body.kind) {
    case 'literal':
      return false;
    case 'template':
      return body.template.refs.length > 0;
    case 'array':
      return body.items.some(hasTemplate);
    case 'object':
      return body.entries.some(([, v]) => hasTemplate(v));
  }
}

/** `item`: the value is one element of a repeated field's list. */
function compileFieldValue(check: RequestCheck, value: unknown, field: RequestFieldShape, at: ConfigPath, item = false): BodyTemplate {
  const repeated = field.repeated && !item;
  const message = field.map ? undefined : field.message;
  if (typeof value === 'string') return { kind: 'template', template: compileString(check, value, field, repeated, at) };
  if (Array.isArray(value)) {
    if (!repeated) {
      fail(check, ErrorCodes.CONFIG_TYPE_MISMATCH, `expected a single ${field.typeLabel} for ${field.name}, which is not repeated; got a list`, at);
      return { kind: 'literal', value: null };
    }
    return { kind: 'array', items: value.map((v, i) => compileFieldValue(check, v, field, [...at, i], true)) };
  }
  if (isMapping(value)) {
    if (field.map) {
      return { kind: 'object', entries: Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? { kind: 'template', template: compileString(check, v, field, false, [...at, k]) } : { kind: 'literal', value: v }]) };
    }
    if (!message || repeated) {
      fail(check, ErrorCodes.CONFIG_TYPE_MISMATCH, `expected ${repeated ? 'a list' : `a ${field.typeLabel} value`} for ${field.name}; got a mapping`, at);
      return { kind: 'literal', value: null };
    }
    return compileRpcRequest(check, value, message, at);
  }
  return { kind: 'literal', value };
}

/** A string leaf: its references must be params (or `{keys}` in a batched operation, alone, in a repeated field). */
function compileString(check: RequestCheck, text: string, field: RequestFieldShape, repeated: boolean, at: ConfigPath): ReturnType<typeof parseTemplate>['template'] {
  const { connector, op } = check;
  const { template, errors: syntax } = parseTemplate(text);
  const where = locateScalarContent(connector.sourceMap, at);
  const dotted = `connectors.${connector.name}.${at.join('.')}`;
  for (const e of syntax) check.errors.push(templateError(e.message, where, e.offset, dotted));
  const known = Object.keys(op.params);
  for (const ref of template.refs) {
    const name = ref.path.join('.');
    if (name === KEYS_REF && op.batch) {
      if (template.whole !== ref || !repeated) {
        check.errors.push(templateError(`expected {keys} alone in a repeated field (the batch's keys are a list); ${field.name} is ${repeated ? 'repeated, but the template adds text around {keys}' : `a single ${field.typeLabel}`}`, where, ref.offset, dotted, ErrorCodes.CONFIG_TYPE_MISMATCH));
      }
      check.usesKeys = true;
      continue;
    }
    if (ref.path.length === 1 && known.includes(name)) continue;
    const hint = name === KEYS_REF ? ' {keys} is only available in operations with a `batch` section.' : didYouMean(name, known);
    check.errors.push(templateError(`expected a declared param${known.length ? ` (${known.join(', ')})` : ''}; got {${name}}.${hint}`, where, ref.offset, dotted, ErrorCodes.CONFIG_UNKNOWN_REFERENCE));
  }
  return template;
}

function fail(check: RequestCheck, code: (typeof ErrorCodes)[keyof typeof ErrorCodes], message: string, at: ConfigPath, part: 'key' | 'value' = 'value'): void {
  const { connector } = check;
  check.errors.push(new ConfigError(code, message, { source: connector.sourceMap.locate(at, part), configPath: [`connectors.${connector.name}`, ...at].join('.') }));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
