import path from 'node:path';
import type { ConfigError } from '../../errors/gateway-error.ts';
import type { ConnectorConfig } from '../../config/types.ts';
import { CONNECTOR_RESILIENCE_KEYS, OPERATION_RESILIENCE_KEYS, readConnectorResilience } from '../../config/check-resilience-shape.ts';
import { checkKeys, readOneOf, readPositiveInt, readString, type Checker, type Mapping } from '../../config/shape-checker.ts';
import { readAddress, readPathList } from '../rpc/read-rpc-settings.ts';
import { readRpcOperations, type RpcOperationWords } from '../rpc/read-rpc-operation.ts';
import { checkConnectorName, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, required } from '../../config/check-connector-shape.ts';

export const THRIFT_PROTOCOLS = ['binary', 'compact'] as const;
export const THRIFT_FRAMINGS = ['framed', 'buffered'] as const;
export type ThriftProtocolName = (typeof THRIFT_PROTOCOLS)[number];
export type ThriftFraming = (typeof THRIFT_FRAMINGS)[number];

/** Where a Thrift connector's service is, how it is spoken to, and which IDL describes it (`transportSettings` of a thrift connector). */
export interface ThriftConnectorConfig {
  /** `host:port` of the upstream (plain TCP). */
  address: string;
  /** Absolute path of the `.thrift` file, resolved against the connector file's folder. */
  idlFile: string;
  /** Extra folders (absolute) searched for includes, after the including file's own folder. */
  includePaths: string[];
  /** The service's name in the IDL (`LoyaltyService`; `file.Service` for one in an included file). */
  service: string;
  protocol: ThriftProtocolName;
  framing: ThriftFraming;
  /** Connections kept open to the address, at most; calls beyond wait for one, within their deadline. */
  maxConnections: number;
}

/** Connections per upstream address by default: Thrift answers one call per connection at a time. */
export const DEFAULT_MAX_CONNECTIONS = 8;

const THRIFT_CONNECTOR_KEYS = ['name', 'transport', 'address', 'idl', 'includePaths', 'service', 'protocol', 'framing', 'maxConnections', 'timeoutMs', 'operations', ...CONNECTOR_RESILIENCE_KEYS] as const;
const THRIFT_OPERATION_KEYS = ['rpc', 'request', 'params', 'batch', 'result', 'timeoutMs', ...OPERATION_RESILIENCE_KEYS] as const;

/**
 * The shape of a `transport: thrift` connector file: where the service is (`address`), its IDL
 * (a path relative to this file), the service, the protocol and framing, and operations naming a
 * function of the service with an argument template. Whether the IDL parses and the names exist
 * is compile-thrift-connector.ts's job, which reports it with the same positions.
 */
export function checkThriftConnectorShape(c: Checker, name: string, value: Mapping): { connector: ConnectorConfig | undefined; errors: ConfigError[] } {
  checkKeys(c, value, [], THRIFT_CONNECTOR_KEYS);
  checkConnectorName(c, name, value);
  const dir = path.dirname(c.sourceMap.file);
  const address = required(c, value, [], 'address') ? readAddress(c, value.address) : undefined;
  const idl = required(c, value, [], 'idl') ? readString(c, value, [], 'idl', 'a .thrift file path relative to this file') : undefined;
  const includePaths = value.includePaths === undefined ? [] : readPathList(c, value, 'includePaths', 'folder');
  const service = required(c, value, [], 'service') ? readString(c, value, [], 'service', 'the name of a service of the IDL, e.g. "LoyaltyService"') : undefined;
  const protocol = value.protocol === undefined ? 'binary' : readOneOf(c, value.protocol, ['protocol'], THRIFT_PROTOCOLS);
  const framing = value.framing === undefined ? 'framed' : readOneOf(c, value.framing, ['framing'], THRIFT_FRAMINGS);
  const maxConnections = readPositiveInt(c, value, [], 'maxConnections', 1_024);
  const timeoutMs = readPositiveInt(c, value, [], 'timeoutMs', MAX_TIMEOUT_MS);
  const resilience = readConnectorResilience(c, value);
  const operations = readRpcOperations(c, value, THRIFT_OPERATION_WORDS);
  if (c.errors.length > 0) return { connector: undefined, errors: c.errors };
  return {
    connector: {
      name,
      transport: 'thrift',
      baseUrl: `thrift://${address!}`,
      forwardHeaders: [],
      transportSettings: {
        address: address!,
        idlFile: path.resolve(dir, idl!),
        includePaths: includePaths.map((folder) => path.resolve(dir, folder)),
        service: service!,
        protocol: protocol!,
        framing: framing!,
        maxConnections: maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      } satisfies ThriftConnectorConfig,
      // Plain Thrift binary and compact messages have no headers to carry.
      headers: {},
      timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      resilience,
      operations,
      sourceMap: c.sourceMap,
    },
    errors: [],
  };
}

const THRIFT_OPERATION_WORDS: RpcOperationWords = {
  keys: THRIFT_OPERATION_KEYS,
  rpc: 'a function of the service, e.g. "getAccounts"',
  request: "the function's argument names",
  result: 'the returned value, e.g. "accounts"',
  keyStyle: 'a Thrift batch: the keys go into a list<> or set<> argument',
};
