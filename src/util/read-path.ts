/** Reads a dot path (split at load time) from a JSON value; undefined when any step is missing. */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (let i = 0; i < path.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[path[i]!];
  }
  return current;
}
