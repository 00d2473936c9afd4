import path from 'node:path';
import type { ConfigError } from './gateway-error.ts';

/** Looks up one source line (1-based) of a file, for the excerpt under an error. */
export type LineText = (file: string, line: number) => string | undefined;

/**
 * Prints one config error the way `tessera validate` and start-up show it (STYLE.md §3.6):
 *
 * ```
 * connectors/crm.yaml:14:13  CONFIG_INVALID_VALUE  at connectors.crm.operations.getCustomer.method
 *   expected one of GET, POST, PUT, PATCH, DELETE; got "GTE". Did you mean "GET"?
 *     13 |   getCustomer:
 *   > 14 |     method: GTE
 *        |             ^
 * ```
 * The excerpt is left out when `lineText` is not given or does not know the line.
 */
export function formatConfigError(err: ConfigError, lineText?: LineText): string {
  const where = err.source ? `${displayPath(err.source.file)}:${err.source.line}:${err.source.column}  ` : '';
  const severity = err.severity === 'warning' ? 'warning ' : '';
  const at = err.configPath ? `  at ${err.configPath}` : '';
  const out = [`${where}${severity}${err.code}${at}`, ...err.message.split('\n').map((line) => `  ${line}`)];
  if (err.source && lineText) out.push(...excerpt(err.source.file, err.source.line, err.source.column, lineText));
  return out.map((line) => line.trimEnd()).join('\n');
}

/**
 * Prints every error, a blank line apart, then a summary such as `2 errors, 1 warning`.
 * Returns `""` for an empty list, so callers can print only when there is something to say.
 */
export function formatConfigErrors(errors: readonly ConfigError[], lineText?: LineText): string {
  if (errors.length === 0) return '';
  const warnings = errors.filter((e) => e.severity === 'warning').length;
  const count = errors.length - warnings;
  const summary = [
    count > 0 || warnings === 0 ? plural(count, 'error') : undefined,
    warnings > 0 ? plural(warnings, 'warning') : undefined,
  ].filter((part) => part !== undefined);
  return [...errors.map((e) => formatConfigError(e, lineText)), summary.join(', ')].join('\n\n');
}

/** A file path as the operator should read it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return inside ? relative.split(path.sep).join('/') : file;
}

/** The line before (for context), the error line marked `>`, and a caret under the column. */
function excerpt(file: string, line: number, column: number, lineText: LineText): string[] {
  const text = lineText(file, line);
  if (text === undefined) return [];
  const before = line > 1 ? lineText(file, line - 1) : undefined;
  const width = String(line).length;
  const gutter = (n: number) => String(n).padStart(width);
  const rows: string[] = [];
  if (before !== undefined) rows.push(`    ${gutter(line - 1)} | ${before}`);
  rows.push(`  > ${gutter(line)} | ${text}`);
  // Keep tabs in the padding so the caret lines up however the terminal renders them.
  // Columns count UTF-16 units, as the YAML and GraphQL parsers report them.
  const padding = text.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, ' ').padEnd(Math.max(0, column - 1));
  rows.push(`    ${' '.repeat(width)} | ${padding}^`);
  return rows;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
