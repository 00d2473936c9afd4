/** Asserts a state that cannot happen unless Tessera has a bug (never for user input). */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Tessera invariant failed: ${message}`);
}
