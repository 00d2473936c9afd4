import type { GatewayConfig } from './types.ts';
import { checkKeys, readBoolean, readMapping, readPositiveInt, readString, type Checker } from './shape-checker.ts';

const RELOAD_KEYS = ['watch', 'debounceMs', 'adminToken'] as const;
const MAX_DEBOUNCE_MS = 60_000;

/** gateway.yaml's `reload:` section: `{ watch: true, debounceMs: 200, adminToken: ${TESSERA_ADMIN_TOKEN:-} }`. */
export function readReload(c: Checker, value: unknown): GatewayConfig['reload'] {
  if (value === undefined) return undefined;
  const reload = readMapping(c, value, ['reload'], `a mapping with any of the keys ${RELOAD_KEYS.join(', ')}`);
  if (!reload) return undefined;
  checkKeys(c, reload, ['reload'], RELOAD_KEYS);
  const token = reload.adminToken === undefined ? undefined : readString(c, reload, ['reload'], 'adminToken', 'a token string (usually ${TESSERA_ADMIN_TOKEN:-})');
  return {
    watch: readBoolean(c, reload, ['reload'], 'watch'),
    debounceMs: readPositiveInt(c, reload, ['reload'], 'debounceMs', MAX_DEBOUNCE_MS),
    // An empty token (an unset variable with a `:-` default) leaves the endpoint off.
    adminToken: token === '' ? undefined : token,
  };
}
