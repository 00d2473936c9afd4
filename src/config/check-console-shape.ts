import type { GatewayConfig } from './types.ts';
import { checkKeys, readBoolean, readMapping, readString, type Checker } from './shape-checker.ts';

const CONSOLE_KEYS = ['enabled', 'adminToken', 'scope'] as const;

/** gateway.yaml's `console:` section: `{ enabled: true, adminToken: ${TESSERA_CONSOLE_TOKEN:-} }`. */
export function readConsole(c: Checker, value: unknown): GatewayConfig['console'] {
  if (value === undefined) return undefined;
  const section = readMapping(c, value, ['console'], `a mapping with any of the keys ${CONSOLE_KEYS.join(', ')}`);
  if (!section) return undefined;
  checkKeys(c, section, ['console'], CONSOLE_KEYS);
  const token = section.adminToken === undefined ? undefined : readString(c, section, ['console'], 'adminToken', 'a token string (usually ${TESSERA_CONSOLE_TOKEN:-})');
  const scope = section.scope === undefined ? undefined : readString(c, section, ['console'], 'scope', 'a scope name that verified callers (callers.yaml) must hold, e.g. tessera:operator');
  return {
    enabled: readBoolean(c, section, ['console'], 'enabled') ?? false,
    ...(scope ? { scope } : {}),
    // An empty token (an unset variable with a `:-` default) falls back to reload.adminToken.
    adminToken: token === '' ? undefined : token,
  };
}
