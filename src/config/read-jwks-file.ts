import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { SourceMap } from './types.ts';

/**
 * Reads the JWKS that `jwt.jwksFile` names, at load time, so a missing or malformed key set is a
 * config error at that line rather than a 401 for every caller. Synchronous on purpose: the file
 * is a few kilobytes, read once per load, and the shape check around it is synchronous.
 */
export function readJwksFile(file: string, sourceMap: SourceMap): { jwks: { keys: Record<string, unknown>[] } } | { error: ConfigError } {
  const fail = (message: string, cause?: unknown) =>
    ({ error: new ConfigError(ErrorCodes.CONFIG_INVALID_VALUE, message, { source: sourceMap.locate(['jwt', 'jwksFile']), configPath: 'callers.jwt.jwksFile', cause }) }) as const;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return fail(`expected a readable JWKS file; got ${(error as NodeJS.ErrnoException).code ?? 'an unreadable file'} for ${file}`, error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`expected a JWKS file in JSON ({ "keys": [ ... ] }); ${file} is not valid JSON`, error);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => k !== null && typeof k === 'object' && typeof (k as { kty?: unknown }).kty === 'string')) {
    return fail(`expected a JWKS ({ "keys": [ { "kty": ... } ] }) with at least one key in ${file}`);
  }
  // Private parts never belong in a verification key set: refuse rather than hold them.
  if (keys.some((k) => 'd' in (k as object) || 'k' in (k as object))) return fail(`expected public keys only in ${file}; a key has private or symmetric material (d or k): use jwt.secret for HS256`);
  return { jwks: { keys: keys as Record<string, unknown>[] } };
}
