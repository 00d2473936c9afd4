/**
 * Given an invalid input and a list of valid options, returns the options close enough to be a
 * plausible typo, nearest first (graphql-js's `suggestionList`). Distance is Damerau-Levenshtein
 * on lower-cased text, so a swapped pair (`GTE` → `GET`) or a case slip (`get` → `GET`) counts
 * as one edit. The threshold grows with the input: short names tolerate fewer edits.
 */
export function suggestionList(input: string, options: readonly string[]): string[] {
  const threshold = Math.floor(input.length * 0.4) + 1;
  const distances = new Map<string, number>();
  for (const option of options) {
    const distance = lexicalDistance(input, option, threshold);
    if (distance !== undefined && !distances.has(option)) distances.set(option, distance);
  }
  return [...distances.keys()].sort((a, b) => distances.get(a)! - distances.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}

/** Edit distance between two strings, or undefined when it exceeds `threshold` (checked early). */
function lexicalDistance(a: string, b: string, threshold: number): number | undefined {
  if (a === b) return 0;
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  // Differ only in case: closer than any real edit, but not identical.
  if (left === right) return 1;
  if (Math.abs(left.length - right.length) > threshold) return undefined;

  // Three rolling rows: the transposition step needs the row before the previous one.
  let beforePrev: number[] = [];
  let prev = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1]) {
        value = Math.min(value, beforePrev[j - 2]! + 1);
      }
      row.push(value);
      rowMin = Math.min(rowMin, value);
    }
    // Every later row is at least this row's minimum, so nothing below can come back under.
    if (rowMin > threshold) return undefined;
    beforePrev = prev;
    prev = row;
  }
  const distance = prev[right.length]!;
  return distance <= threshold ? distance : undefined;
}
