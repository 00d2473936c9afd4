import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes, type ErrorCode } from '../errors/codes.ts';
import type { ConfigPath, SourceMap } from './types.ts';

/** The environment as injected by the caller (process.env in production, a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** `${NAME}` or `${NAME:-default}`; the default runs to the first `}`. */
const REFERENCE = /\$\{([^}]*)\}/g;
const BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value (never in keys) of one parsed
 * file. As in the shell, `:-` also applies when the variable is set but empty. A variable that is
 * unset and has no default is an error at that value (a malformed `${` is one too); the text is
 * then left as written.
 * Substitution always yields strings: `timeoutMs: ${T}` is a string, and the shape check says so.
 */
export function interpolateEnv(value: unknown, env: Env, sourceMap: SourceMap, configPrefix: string): { value: unknown; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') return node.includes('${') ? substitute(node, path) : node;
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  };

  const substitute = (text: string, path: ConfigPath): string => {
    const fail = (message: string, code: ErrorCode = ErrorCodes.CONFIG_INVALID_VALUE) =>
      errors.push(
        new ConfigError(code, message, {
          source: sourceMap.locate(path, 'value'),
          configPath: [configPrefix, ...path].join('.'),
        }),
      );
    const unclosed = text.replace(REFERENCE, '').indexOf('${');
    if (unclosed !== -1) {
      fail(`expected "\${" to open a reference like \${NAME} or \${NAME:-default} closed by "}"; got ${JSON.stringify(text)}`);
      return text;
    }
    return text.replace(REFERENCE, (whole, body: string) => {
      const match = BODY.exec(body);
      if (!match) {
        fail(`expected \${NAME} or \${NAME:-default}, NAME made of letters, digits and _; got ${JSON.stringify(whole)}`);
        return whole;
      }
      const [, name, fallback] = match as unknown as [string, string, string | undefined];
      const set = env[name];
      if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
      if (set !== undefined) return set;
      fail(`expected environment variable ${name} to be set (or a default: \${${name}:-value}); it is not set`, ErrorCodes.CONFIG_UNDEFINED_ENV);
      return whole;
    });
  };

  return { value: walk(value, []), errors };
}
