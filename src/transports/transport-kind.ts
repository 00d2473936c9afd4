import type { Transport } from './transport.ts';
import type { Checker, Mapping } from '../config/shape-checker.ts';
import type { ConnectorConfig } from '../config/types.ts';
import type { ConfigError } from '../errors/gateway-error.ts';
import type { CompiledOperation } from '../blueprint/ir.ts';

/**
 * Everything one protocol brings, registered under its `transport:` name in registry.ts. HTTP
 * only creates its transport: its connector shape and compiler are config/'s and blueprint/'s
 * own. Any other protocol also checks its own connector files and compiles their operations
 * (from its IDL), so adding one is a folder under transports/ and one registry line.
 */
export interface TransportKind {
  /** The transport every connector of this kind shares, created on first use. */
  create(): Transport;
  /** The shape of a connector file with this `transport:` (config/, every error collected). */
  checkShape?(c: Checker, name: string, value: Mapping): { connector: ConnectorConfig | undefined; errors: ConfigError[] };
  /** Its operations, compiled (blueprint/); an operation sets `render` to build its own calls. */
  compileConnector?(connector: ConnectorConfig, errors: ConfigError[]): CompiledOperation[];
}
