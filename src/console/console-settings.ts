import type { GatewayConfig } from '../config/index.ts';

/** createGateway's `console` option: wins over gateway.yaml's `console:` (the demo turns it on with a generated token). */
export interface ConsoleOverrides {
  enabled?: boolean | undefined;
  adminToken?: string | undefined;
}

export interface ConsoleSettings {
  enabled: boolean;
  /** The credential of /console and /admin/api/*; the console is off without one. */
  adminToken: string | undefined;
  /** Verified callers holding this scope are operators too (their API key or JWT opens the console). */
  scope: string | undefined;
}

/** Off unless enabled, and never without a token: an unprotected console cannot be left open by mistake. */
export function resolveConsoleSettings(overrides: ConsoleOverrides | undefined, config: GatewayConfig): ConsoleSettings {
  const adminToken = overrides?.adminToken ?? config.console?.adminToken ?? config.reload?.adminToken;
  const enabled = (overrides?.enabled ?? config.console?.enabled ?? false) && adminToken !== undefined;
  return { enabled, adminToken: enabled ? adminToken : undefined, scope: enabled ? config.console?.scope : undefined };
}
