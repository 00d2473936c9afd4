/**
 * The GraphQL `locations` entry of the first occurrence of `text` in `query` (1-based line and
 * column, as graphql-js reports them), so tests state an error's position without magic numbers.
 */
export function locationOf(query: string, text: string): { line: number; column: number }[] {
  const offset = query.indexOf(text);
  if (offset === -1) throw new Error(`"${text}" does not occur in the query`);
  const before = query.slice(0, offset).split('\n');
  return [{ line: before.length, column: before.at(-1)!.length + 1 }];
}
