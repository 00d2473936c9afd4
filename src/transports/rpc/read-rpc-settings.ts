import { ErrorCodes } from '../../errors/codes.ts';
import { describe, report, type Checker, type Mapping } from '../../config/shape-checker.ts';

/** `host:port`, a bracketed IPv6 host allowed; no scheme (RPC connections are plaintext TCP). */
const ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** True for `host:port` with a port in 1..65535 (a bracketed IPv6 host allowed, no scheme). */
export function isAddress(value: string): boolean {
  const match = ADDRESS.exec(value);
  return match !== null && Number(match[2]) > 0 && Number(match[2]) <= 65_535;
}

/** An RPC connector's `address`: host:port, checked where it is written. */
export function readAddress(c: Checker, value: unknown): string | undefined {
  if (typeof value === 'string' && isAddress(value)) return value;
  const hint = typeof value === 'string' && /^[a-z]+:\/\//i.test(value) ? ' (without a scheme)' : '';
  report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected host:port${hint}, e.g. "127.0.0.1:4105"; got ${describe(value)}`, ['address']);
  return undefined;
}

/** One path or a list of paths, each a non-empty string (an IDL file, an import folder). */
export function readPathList(c: Checker, obj: Mapping, key: string, what: string): string[] {
  const value = obj[key];
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  list.forEach((item, i) => {
    if (typeof item === 'string' && item.trim() !== '') out.push(item);
    else report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a ${what} path relative to this file, or a list of them; got ${describe(item)}`, Array.isArray(value) ? [key, i] : [key]);
  });
  if (Array.isArray(value) && value.length === 0) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected at least one ${what} path; got an empty list`, [key]);
  return out;
}

export function isMappingWith(value: unknown, key: string): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && key in value;
}
