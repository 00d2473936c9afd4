// The config/ stage's public surface: read files, keep positions, check shape (docs/config.md).
export { loadConfig, checkConfigSources } from './load.ts';
export type { ConfigSources, ConnectorFile, LoadConfigOptions, LoadResult } from './load.ts';
export { parseYamlWithPositions } from './yaml-with-positions.ts';
export type { ParsedYaml } from './yaml-with-positions.ts';
export { interpolateEnv } from './interpolate-env.ts';
export type { Env } from './interpolate-env.ts';
export { checkConnectorShape, connectorNameOf } from './check-connector-shape.ts';
export type * from './types.ts';
export { configVersion, connectorFingerprint } from './config-version.ts';
export { ISOLATION_DEFAULTS } from './check-isolation-shape.ts';
