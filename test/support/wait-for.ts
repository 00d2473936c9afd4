/**
 * Waits until a count or state the test can read holds (upstream calls made, a breaker state, a
 * log line written): the condition is the sync point, never a length of time. Checks every
 * 10 ms and gives up after 5 s, naming what it waited for.
 */
export async function waitFor(condition: () => boolean, what = 'the condition'): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`${what} did not hold within 5 s`);
}
