import { ConfigError, ExprError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { ConfigPath, ConnectorConfig, OperationConfig } from '../config/types.ts';
import { compileExpression, OPERATOR_LIMITS, type ShapeField, type VariableDecl } from '../expr/index.ts';
import type { EnvelopePolicy } from '../resilience/index.ts';
import { locateScalarContent } from './locate-in-yaml.ts';

/**
 * `body` in a failWhen expression: an object whose fields are the answer's top-level keys, which
 * are not known in advance, so every field name is accepted. The expression's reads are still
 * recorded, so only those fields are converted for CEL on each answer, never the whole body.
 */
const ANY_FIELD: ReadonlySet<string> = Object.freeze({
  has: () => true,
  [Symbol.iterator]: function* () {},
}) as unknown as ReadonlySet<string>;
const VARIABLES: Readonly<Record<string, VariableDecl>> = Object.freeze({ body: { kind: 'object', fields: ANY_FIELD, typeName: 'the answer body' } });

/**
 * Compiles the envelope that applies to an operation (its own, else its connector's): the
 * failWhen expression at boot, with a refused one reported at its position inside the YAML.
 */
export function compileEnvelope(connector: ConnectorConfig, op: OperationConfig, errors: ConfigError[]): EnvelopePolicy | undefined {
  const own = op.envelope !== undefined;
  const envelope = own ? op.envelope : connector.envelope;
  // `envelope: false` on the operation: its answers are plain, whatever the connector says.
  if (!envelope) return undefined;
  const at: ConfigPath = own ? ['operations', op.name, 'envelope', 'failWhen'] : ['envelope', 'failWhen'];
  let failWhen: EnvelopePolicy['failWhen'];
  let failReads: ShapeField[] = [];
  if (envelope.failWhen !== undefined) {
    try {
      failWhen = compileExpression(envelope.failWhen, { limits: OPERATOR_LIMITS, variables: VARIABLES, expect: 'bool' });
      failReads = (failWhen.reads.get('body') ?? []).map((name) => ({ name, read: (raw: object) => (raw as Record<string, unknown>)[name], shape: { kind: 'json' } }));
    } catch (error) {
      if (!(error instanceof ExprError)) throw error;
      errors.push(expressionError(connector, at, error));
    }
  }
  const split = (path: string | undefined) => (path === undefined || path === '' ? undefined : Object.freeze(path.split('.')));
  return Object.freeze({
    failWhen,
    failReads: Object.freeze(failReads),
    dataPath: split(envelope.data) ?? [],
    codePath: split(envelope.code),
    messagePath: split(envelope.message),
    messageSafe: envelope.messageSafe,
    retryOn: new Set(envelope.retryOn),
  });
}

/** A refused expression, at its own line and column inside the YAML scalar. */
function expressionError(connector: ConnectorConfig, at: ConfigPath, error: ExprError): ConfigError {
  const start = locateScalarContent(connector.sourceMap, at);
  const p = error.position;
  const source = !p ? start : p.line === 1 ? { ...start, column: start.column + p.column - 1 } : { ...start, line: start.line + p.line - 1, column: p.column };
  return new ConfigError(ErrorCodes.CONFIG_INVALID_EXPRESSION, `${error.code}: ${error.message}`, {
    source,
    configPath: `connectors.${connector.name}.${at.join('.')}`,
  });
}
