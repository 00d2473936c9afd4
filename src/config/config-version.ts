import { createHash } from 'node:crypto';
import type { Config, ConnectorConfig } from './types.ts';

/**
 * A connector's definition as text, positions left out: two loads of the same definition give
 * the same text even when lines moved, so a reload can tell which connectors really changed
 * (and keep their pools, breakers and caches).
 */
export function connectorFingerprint(connector: ConnectorConfig): string {
  return JSON.stringify(connector, (key, value: unknown) => (key === 'sourceMap' ? undefined : value));
}

/** A short, stable version of a whole config (connectors, schemas, gateway settings, and `extraTexts` such as .proto files): `/readyz` and the metrics report it. */
export function configVersion(config: Config, extraTexts: readonly string[] = []): string {
  const hash = createHash('sha256');
  for (const text of extraTexts) hash.update(text).update('\u0000');
  for (const connector of config.connectors) hash.update(connectorFingerprint(connector)).update('\u0000');
  for (const file of config.schemaFiles) hash.update(file.file).update('\u0000').update(file.text).update('\u0000');
  hash.update(JSON.stringify(config.gateway));
  // Key hashes and scopes are config too: a rotated key is a new version (absent: as before).
  if (config.callers) hash.update('\u0000callers').update(JSON.stringify(config.callers));
  return hash.digest('hex').slice(0, 12);
}
