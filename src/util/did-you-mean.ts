import { suggestionList } from './suggestion-list.ts';

/** More than this many guesses reads as noise rather than help (graphql-js uses the same cap). */
const MAX_SUGGESTIONS = 5;

/**
 * The hint appended to an error about a misspelt name: `""` when nothing is close, else
 * ` Did you mean "x"?`, ` Did you mean "x" or "y"?` or ` Did you mean "x", "y", or "z"?`.
 * The leading space lets callers append it to a sentence unconditionally.
 */
export function didYouMean(input: string, candidates: readonly string[]): string {
  // A case slip (`get` for `GET`) has one obvious fix; other near names would only distract.
  const sameLetters = candidates.filter((c) => c.toLowerCase() === input.toLowerCase() && c !== input);
  const quoted = (sameLetters.length > 0 ? [...new Set(sameLetters)] : suggestionList(input, candidates))
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => `"${s}"`);
  if (quoted.length === 0) return '';
  if (quoted.length === 1) return ` Did you mean ${quoted[0]}?`;
  if (quoted.length === 2) return ` Did you mean ${quoted[0]} or ${quoted[1]}?`;
  return ` Did you mean ${quoted.slice(0, -1).join(', ')}, or ${quoted.at(-1)}?`;
}
