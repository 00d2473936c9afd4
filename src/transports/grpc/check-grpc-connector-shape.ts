import path from 'node:path';
import type { ConfigError } from '../../errors/gateway-error.ts';
import type { ConnectorConfig } from '../../config/types.ts';
import { CONNECTOR_RESILIENCE_KEYS, OPERATION_RESILIENCE_KEYS, readConnectorResilience } from '../../config/check-resilience-shape.ts';
import { checkKeys, readPositiveInt, readString, readStringMap, type Checker, type Mapping } from '../../config/shape-checker.ts';
import { readConnectorIsolation, type TargetRule } from '../../config/check-isolation-shape.ts';
import { isAddress, readAddress, readPathList } from '../rpc/read-rpc-settings.ts';
import { readRpcOperations, type RpcOperationWords } from '../rpc/read-rpc-operation.ts';
import { checkConnectorName, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, required } from '../../config/check-connector-shape.ts';

/** Where a gRPC connector's service is and which `.proto` files describe it (`transportSettings` of a grpc connector). */
export interface GrpcConnectorConfig {
  /** `host:port` of the upstream (plaintext HTTP/2). */
  address: string;
  /** Absolute paths of the `.proto` files, resolved against the connector file's folder. */
  protoFiles: string[];
  /** Extra folders (absolute) searched for the protos' imports, after the importing file's own folder. */
  importPaths: string[];
  /** Fully qualified service name, e.g. `tessera.risk.v1.RiskService`. */
  service: string;
}

const GRPC_CONNECTOR_KEYS = ['name', 'transport', 'address', 'protos', 'importPaths', 'service', 'timeoutMs', 'metadata', 'operations', ...CONNECTOR_RESILIENCE_KEYS, 'isolation', 'shadow'] as const;
const GRPC_OPERATION_KEYS = ['rpc', 'request', 'params', 'batch', 'result', 'timeoutMs', ...OPERATION_RESILIENCE_KEYS, 'mutates'] as const;

/**
 * The shape of a `transport: grpc` connector file: where the service is (`address`), which
 * `.proto` files describe it (paths relative to this file), the service, and operations naming
 * an RPC method with a request message template. Whether the protos parse and the names exist
 * is blueprint/'s job (compile-grpc-connector.ts), which reports it with the same positions.
 */
export function checkGrpcConnectorShape(c: Checker, name: string, value: Mapping): { connector: ConnectorConfig | undefined; errors: ConfigError[] } {
  checkKeys(c, value, [], GRPC_CONNECTOR_KEYS);
  checkConnectorName(c, name, value);
  const dir = path.dirname(c.sourceMap.file);
  const address = required(c, value, [], 'address') ? readAddress(c, value.address) : undefined;
  const protoFiles = required(c, value, [], 'protos') ? readPathList(c, value, 'protos', '.proto file') : [];
  const importPaths = value.importPaths === undefined ? [] : readPathList(c, value, 'importPaths', 'folder');
  const service = required(c, value, [], 'service') ? readString(c, value, [], 'service', 'the fully qualified service name, e.g. "acme.risk.v1.RiskService"') : undefined;
  const timeoutMs = readPositiveInt(c, value, [], 'timeoutMs', MAX_TIMEOUT_MS);
  const metadata = readStringMap(c, value, [], 'metadata');
  const resilience = readConnectorResilience(c, value);
  const { isolation, shadow } = readConnectorIsolation(c, value, GRPC_TARGET, address);
  const operations = readRpcOperations(c, value, GRPC_OPERATION_WORDS);
  if (c.errors.length > 0) return { connector: undefined, errors: c.errors };
  return {
    connector: {
      name,
      transport: 'grpc',
      baseUrl: `grpc://${address!}`,
      forwardHeaders: [],
      transportSettings: {
        address: address!,
        protoFiles: protoFiles.map((file) => path.resolve(dir, file)),
        importPaths: importPaths.map((folder) => path.resolve(dir, folder)),
        service: service!,
      } satisfies GrpcConnectorConfig,
      // Static metadata sent with every call, the gRPC counterpart of HTTP's `headers`.
      headers: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v])),
      timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      resilience,
      ...(isolation ? { isolation } : {}),
      ...(shadow ? { shadow } : {}),
      operations,
      sourceMap: c.sourceMap,
    },
    errors: [],
  };
}

const GRPC_OPERATION_WORDS: RpcOperationWords = {
  keys: GRPC_OPERATION_KEYS,
  rpc: 'a method of the service, e.g. "GetRiskScores"',
  request: 'request message field names',
  result: 'the response message, e.g. "scores"',
  keyStyle: 'a gRPC batch: the keys go into a repeated field of the request message',
};

/** A gRPC connector's shadow target: another `host:port` (the same service and methods). */
const GRPC_TARGET: TargetRule = {
  key: 'address',
  check: (value) => (typeof value === 'string' && isAddress(value) ? undefined : 'expected the shadow upstream\'s host:port, e.g. "127.0.0.1:5105"'),
  pathOverride: false,
};
