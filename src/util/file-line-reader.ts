import { readFileSync } from 'node:fs';

/**
 * Returns a `(file, line) => text` lookup over files on disk, for the source excerpt under a
 * config error. Reads each file once, lazily: only error reporting uses it.
 */
export function fileLineReader(overrides: ReadonlyMap<string, string> = new Map()): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file, line) => {
    let lines = cache.get(file);
    if (!cache.has(file)) {
      try {
        lines = (overrides.get(file) ?? readFileSync(file, 'utf8')).split(/\r?\n/);
      } catch {
        lines = undefined;
      }
      cache.set(file, lines);
    }
    return lines?.[line - 1];
  };
}
