import protobuf from 'protobufjs';
import { ConfigError } from '../../errors/gateway-error.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import type { ConfigPath, ConnectorConfig, OperationConfig } from '../../config/types.ts';
import { didYouMean } from '../../util/did-you-mean.ts';
import type { CompiledOperation } from '../../blueprint/ir.ts';
import { parseTemplate, type Template } from '../../blueprint/template.ts';
import { rpcAnswerFields } from '../rpc/rpc-answer-fields.ts';
import { resolveCallPolicy } from '../../resilience/policy.ts';
import { loadProtos } from './load-protos.ts';
import { protoRequestShape, protoResultShape } from './compile-grpc-request.ts';
import { compileRpcRequest, type RequestCheck } from '../rpc/compile-rpc-request.ts';
import { checkResultPath } from '../rpc/check-result-path.ts';
import type { EncodingRpcCall } from '../rpc/rpc-call.ts';
import { renderRpcRequest } from '../rpc/render-rpc-request.ts';
import { compileRequestCoercion } from './coerce-request.ts';
import { compileResponseDecoder, installWellKnownConversions } from './decode-response.ts';
import type { GrpcConnectorConfig } from './check-grpc-connector-shape.ts';

/** proto's `idempotency_level` values that make a method safe to retry without saying so in YAML. */
const IDEMPOTENT_LEVELS = new Set(['NO_SIDE_EFFECTS', 'IDEMPOTENT']);

/**
 * Compiles a `transport: grpc` connector: loads its protos (run time, no generated code), finds
 * the service and each operation's method, checks each request template against the request
 * message and `result`/`batch.keyField` against the response message, and builds the encoder and
 * decoder every call uses. Collects every problem; a proto that does not load is one error at
 * the proto's file and line.
 */
export function compileGrpcConnector(connector: ConnectorConfig, errors: ConfigError[]): CompiledOperation[] {
  const grpc = connector.transportSettings as GrpcConnectorConfig;
  const prefix = `connectors.${connector.name}`;
  const fail = (code: (typeof ErrorCodes)[keyof typeof ErrorCodes], message: string, at: ConfigPath, part: 'key' | 'value' = 'value'): void => {
    errors.push(new ConfigError(code, message, { source: connector.sourceMap.locate(at, part), configPath: [prefix, ...at].join('.') }));
  };
  const { root, problem } = loadProtos(grpc.protoFiles, grpc.importPaths);
  if (!root) {
    const source = problem!.file ? { file: problem!.file, line: problem!.line, column: problem!.column } : connector.sourceMap.locate(['protos'], 'value');
    errors.push(new ConfigError(ErrorCodes.CONFIG_INVALID_VALUE, problem!.message, { source, configPath: `${prefix}.protos` }));
    return [];
  }
  installWellKnownConversions(root);
  const services = collectServices(root);
  const service = root.lookup(grpc.service.replace(/^\.?/, '.'));
  if (!(service instanceof protobuf.Service)) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected a service defined in the protos (${services.join(', ') || 'they define none'}); got "${grpc.service}".${didYouMean(grpc.service, services)}`, ['service']);
    return [];
  }
  const compiled: CompiledOperation[] = [];
  for (const op of Object.values(connector.operations)) {
    const at = ['operations', op.name];
    const method = service.methods[op.rpc!];
    if (!method) {
      const names = Object.keys(service.methods);
      fail(ErrorCodes.CONFIG_UNKNOWN_OPERATION, `expected a method of ${grpc.service} (${names.join(', ')}); got "${op.rpc!}".${didYouMean(op.rpc!, names)}`, [...at, 'rpc']);
      continue;
    }
    if (method.requestStream || method.responseStream) {
      fail(ErrorCodes.CONFIG_UNSUPPORTED, `expected a unary method; ${method.name} streams its ${method.requestStream ? 'requests' : 'answers'}, which Tessera does not call yet`, [...at, 'rpc']);
      continue;
    }
    const requestType = method.resolvedRequestType!;
    const responseType = method.resolvedResponseType!;
    const check: RequestCheck = { connector, op, errors, usesKeys: false };
    const body = compileRpcRequest(check, op.body, protoRequestShape(requestType), [...at, 'request']);
    if (op.batch && !check.usesKeys) {
      fail(ErrorCodes.CONFIG_MISSING_PARAM, `expected the batched operation to send its keys: put "{keys}" in a repeated field of ${requestType.name}`, [...at, 'batch'], 'key');
    }
    checkResultPath(op, protoResultShape(responseType), 'a repeated message field', fail, at);
    const encodeType = compileRequestCoercion(requestType);
    const call: EncodingRpcCall = Object.freeze({
      address: grpc.address,
      path: `/${service.fullName.slice(1)}/${method.name}`,
      encode: (message: unknown) => requestType.encode(encodeType(message)).finish() as Buffer,
      decode: compileResponseDecoder(responseType),
    });
    const level = (method.options as Record<string, unknown> | undefined)?.idempotency_level;
    const withProtoDefault: OperationConfig = { ...op, resilience: { ...op.resilience, idempotent: op.resilience.idempotent ?? (typeof level === 'string' && IDEMPOTENT_LEVELS.has(level)) } };
    // Sharing an answer is only sound for a call that does the same thing however often it is made.
    if (withProtoDefault.resilience.coalesce && !withProtoDefault.resilience.idempotent) {
      fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected coalesce only on an idempotent method (idempotent: true, or idempotency_level NO_SIDE_EFFECTS or IDEMPOTENT in the proto); ${method.name} is not`, [...at, 'coalesce']);
    }
    const operation: CompiledOperation = {
      id: `${connector.name}.${op.name}`,
      connector: connector.name,
      name: op.name,
      transport: 'grpc',
      // The HTTP parts stay empty: renderRequest hands a gRPC operation to renderRpcRequest.
      method: op.method,
      origin: grpc.address,
      basePath: '',
      path: parseTemplate(call.path).template,
      query: [],
      // Static metadata: literal values, never templates.
      headers: Object.entries(connector.headers).map(([k, v]): [string, Template] => [k, { text: v, literals: [v], refs: [], whole: undefined }]),
      body,
      selectsFields: false,
      // Caller headers are not passed on as metadata (yet): only the request id and deadline are.
      forwardHeaders: undefined,
      ...rpcAnswerFields(connector, op, at),
      policy: resolveCallPolicy(connector, withProtoDefault, []),
      render: undefined,
    };
    operation.render = (params, keys, headers) => renderRpcRequest(operation, call, params, keys, headers);
    compiled.push(Object.freeze(operation));
  }
  return compiled;
}

function collectServices(ns: protobuf.NamespaceBase, out: string[] = []): string[] {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Service) out.push(nested.fullName.slice(1));
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) collectServices(nested, out);
  }
  return out;
}

