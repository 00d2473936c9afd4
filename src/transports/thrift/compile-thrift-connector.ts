import { TBinaryProtocol, TCompactProtocol, TFramedTransport } from 'thrift';
import { ConfigError } from '../../errors/gateway-error.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import type { ConfigPath, ConnectorConfig } from '../../config/types.ts';
import { didYouMean } from '../../util/did-you-mean.ts';
import type { CompiledOperation } from '../../blueprint/ir.ts';
import { parseTemplate } from '../../blueprint/template.ts';
import { rpcAnswerFields } from '../rpc/rpc-answer-fields.ts';
import { resolveCallPolicy } from '../../resilience/policy.ts';
import { compileRpcRequest, type RequestCheck } from '../rpc/compile-rpc-request.ts';
import { checkResultPath } from '../rpc/check-result-path.ts';
import { renderRpcRequest } from '../rpc/render-rpc-request.ts';
import type { RequestShape, ResultShape } from '../rpc/request-shape.ts';
import { loadThriftIdl } from './load-thrift-idl.ts';
import { typeLabel, type ThriftStruct, type ThriftType } from './thrift-idl.ts';
import { compileThriftCoercion } from './coerce-thrift-request.ts';
import { encodeCall, readReplyMessage } from './thrift-message.ts';
import type { ThriftCall } from './thrift-call.ts';
import type { ThriftConnectorConfig } from './check-thrift-connector-shape.ts';

type Code = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * Compiles a `transport: thrift` connector: parses its IDL at run time (no generated code), finds
 * the service and each operation's function, checks each argument template against the
 * function's arguments and `result`/`batch.keyField` against what it returns, and builds the
 * encoder and reader every call uses. Collects every problem, each at its file and line: the
 * IDL's own for a problem in the IDL, the connector file's for the names it uses.
 */
export function compileThriftConnector(connector: ConnectorConfig, errors: ConfigError[]): CompiledOperation[] {
  const settings = connector.transportSettings as ThriftConnectorConfig;
  const prefix = `connectors.${connector.name}`;
  const fail = (code: Code, message: string, at: ConfigPath, part: 'key' | 'value' = 'value'): void => {
    errors.push(new ConfigError(code, message, { source: connector.sourceMap.locate(at, part), configPath: [prefix, ...at].join('.') }));
  };
  const { idl, problems } = loadThriftIdl(settings.idlFile, settings.includePaths);
  if (!idl) {
    for (const problem of problems) {
      const source = problem.file ? { file: problem.file, line: problem.line, column: problem.column } : connector.sourceMap.locate(['idl'], 'value');
      errors.push(new ConfigError(ErrorCodes.CONFIG_INVALID_VALUE, problem.message, { source, configPath: `${prefix}.idl` }));
    }
    return [];
  }
  const service = idl.services.get(settings.service);
  if (!service) {
    const names = [...idl.services.keys()];
    fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected a service defined in the IDL (${names.join(', ') || 'it defines none'}); got "${settings.service}".${didYouMean(settings.service, names)}`, ['service']);
    return [];
  }
  const protocol = settings.protocol === 'compact' ? TCompactProtocol : StrictBinaryProtocol;
  const compiled: CompiledOperation[] = [];
  for (const op of Object.values(connector.operations)) {
    const at = ['operations', op.name];
    const fn = service.functions.get(op.rpc!);
    if (!fn) {
      const names = [...service.functions.keys()];
      fail(ErrorCodes.CONFIG_UNKNOWN_OPERATION, `expected a function of ${service.name} (${names.join(', ')}); got "${op.rpc!}".${didYouMean(op.rpc!, names)}`, [...at, 'rpc']);
      continue;
    }
    if (fn.oneway) {
      fail(ErrorCodes.CONFIG_UNSUPPORTED, `expected a function that answers; ${fn.name} is oneway, and a field needs a value`, [...at, 'rpc']);
      continue;
    }
    const check: RequestCheck = { connector, op, errors, usesKeys: false };
    const body = compileRpcRequest(check, op.body, thriftRequestShape(fn.args, `${service.name}.${fn.name}`), [...at, 'request']);
    const given = new Set(Object.keys((op.body ?? {}) as Record<string, unknown>));
    for (const arg of fn.args.fields) {
      if (arg.requiredness === 'required' && !given.has(arg.name)) {
        fail(ErrorCodes.CONFIG_MISSING_PARAM, `expected a value for the required argument ${arg.name} (${typeLabel(arg.type)}) of ${fn.name} in request`, op.body && Object.keys(op.body).length > 0 ? [...at, 'request'] : [...at, 'rpc'], 'key');
      }
    }
    if (op.batch && !check.usesKeys) {
      fail(ErrorCodes.CONFIG_MISSING_PARAM, `expected the batched operation to send its keys: put "{keys}" in a list<> or set<> argument of ${fn.name}`, [...at, 'batch'], 'key');
    }
    const returns = fn.returns;
    const listOf = returns && (returns.kind === 'list' || returns.kind === 'set') ? returns.item : undefined;
    const answerShape = thriftResultShape(listOf ?? returns);
    checkResultPath(op, answerShape, 'a list of structs', fail, at, listOf !== undefined);
    if (op.resilience.coalesce && !op.resilience.idempotent) {
      fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected coalesce only on an idempotent function (idempotent: true); ${fn.name} is not said to be`, [...at, 'coalesce']);
    }
    const coerceArgs = compileThriftCoercion(fn.args);
    const call: ThriftCall = Object.freeze({
      address: settings.address,
      path: `${service.name}.${fn.name}`,
      framing: settings.framing,
      protocol,
      maxConnections: settings.maxConnections,
      encode: (message: unknown) => encodeCall(fn, coerceArgs(message), protocol, settings.framing),
      read: (input) => readReplyMessage(input, fn),
      // A whole message without its frame: what a test or a tool hands in.
      decode: (bytes: Uint8Array) => readReplyMessage(new protocol(new TFramedTransport(Buffer.from(bytes))), fn) as Record<string, unknown>,
    } satisfies ThriftCall);
    const operation: CompiledOperation = {
      id: `${connector.name}.${op.name}`,
      connector: connector.name,
      name: op.name,
      transport: 'thrift',
      // The HTTP parts stay empty: renderRequest hands a Thrift operation to renderRpcRequest.
      method: op.method,
      origin: settings.address,
      basePath: '',
      path: parseTemplate(call.path).template,
      query: [],
      headers: [],
      body,
      selectsFields: false,
      // Plain Thrift messages have no headers: nothing of the caller's travels but the arguments.
      forwardHeaders: undefined,
      ...rpcAnswerFields(connector, op, at),
      policy: resolveCallPolicy(connector, op, []),
      render: undefined,
    };
    operation.render = (params, keys, headers) => renderRpcRequest(operation, call, params, keys, headers);
    compiled.push(Object.freeze(operation));
  }
  return compiled;
}

/**
 * The binary protocol reading strictly: a reply must start with the versioned header every
 * current Thrift library writes. Without it, bytes that are no Thrift at all (an HTTP answer)
 * read as a huge old-style name length, and an unframed reader would wait for it until the deadline.
 */
class StrictBinaryProtocol extends TBinaryProtocol {
  constructor(transport: ConstructorParameters<typeof TBinaryProtocol>[0]) {
    super(transport, true, true);
  }
}

/** A struct (or a function's argument list) as the shared request template check sees it. */
function thriftRequestShape(struct: ThriftStruct, fullName = struct.name): RequestShape {
  return {
    fullName,
    pathPrefix: struct.name,
    fieldNames: () => struct.fields.map((f) => f.name),
    field(name) {
      const field = struct.byName.get(name);
      if (!field) return undefined;
      const { type } = field;
      const repeated = type.kind === 'list' || type.kind === 'set';
      const inner = repeated ? type.item : type;
      return { name, typeLabel: typeLabel(type), repeated, map: type.kind === 'map', message: inner.kind === 'struct' ? thriftRequestShape(inner.def) : undefined };
    },
    checkLiteral: (name, value) => void compileThriftCoercion(struct)({ ...requiredPlaceholders(struct, name), [name]: value }),
  };
}

/**
 * A literal is checked alone, so the struct's other required fields get a stand-in: the check
 * is about this one value. (Only their presence is checked; the stand-in is never sent.)
 */
function requiredPlaceholders(struct: ThriftStruct, except: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of struct.fields) if (field.requiredness === 'required' && field.name !== except) out[field.name] = placeholder(field.type);
  return out;
}

function placeholder(type: ThriftType): unknown {
  switch (type.kind) {
    case 'bool':
      return false;
    case 'string':
    case 'binary':
      return '';
    case 'enum':
      return type.def.values.keys().next().value;
    case 'list':
    case 'set':
      return [];
    case 'map':
      return {};
    case 'struct':
      return requiredPlaceholders(type.def, '');
    default:
      return 0;
  }
}

/** What a function returns, as `result:` and `batch.keyField` are checked against. */
function thriftResultShape(type: ThriftType | undefined): ResultShape {
  if (!type || type.kind !== 'struct') return { name: type ? typeLabel(type) : 'void', fieldNames: () => [], field: () => undefined };
  const struct = type.def;
  return {
    name: struct.name,
    fieldNames: () => struct.fields.map((f) => f.name),
    field(name) {
      const field = struct.byName.get(name);
      if (!field) return undefined;
      const repeated = field.type.kind === 'list' || field.type.kind === 'set';
      const inner = field.type.kind === 'list' || field.type.kind === 'set' ? field.type.item : field.type;
      return { repeated, message: inner.kind === 'struct' ? thriftResultShape(inner) : undefined };
    },
  };
}
