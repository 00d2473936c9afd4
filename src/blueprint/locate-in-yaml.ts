import type { ConfigPath, SourceMap } from '../config/types.ts';
import type { SourceLocation } from '../errors/gateway-error.ts';

/**
 * Locates a YAML scalar so that an offset inside its text lands on the right column: a quoted
 * scalar starts one column before its content.
 */
export function locateScalarContent(sourceMap: SourceMap, path: ConfigPath): SourceLocation {
  const at = sourceMap.locate(path, 'value');
  const ch = sourceMap.lineText(at.line).charAt(at.column - 1);
  return ch === '"' || ch === "'" ? { ...at, column: at.column + 1 } : at;
}
