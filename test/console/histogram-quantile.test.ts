import { expect, test } from 'vitest';
import { histogramQuantile } from '../../src/console/histogram-quantile.ts';

const BOUNDS = [0.001, 0.01, 0.1, 1];

test.for([
  { name: 'no observation', q: 0.5, counts: [0, 0, 0, 0, 0], expected: undefined },
  { name: 'all in the first bucket: from 0 to its bound', q: 0.5, counts: [10, 0, 0, 0, 0], expected: 0.0005 },
  { name: 'the median in the middle of the second bucket', q: 0.5, counts: [0, 4, 0, 0, 0], expected: 0.0055 },
  { name: 'p99 at the top of the second bucket', q: 0.99, counts: [50, 49, 1, 0, 0], expected: 0.01 },
  { name: 'p99.5 halfway into the third bucket', q: 0.995, counts: [50, 49, 1, 0, 0], expected: 0.055 },
  { name: 'p50 between buckets lands on the lower one\'s bound', q: 0.5, counts: [5, 5, 0, 0, 0], expected: 0.001 },
  { name: 'in the +Inf bucket: the largest finite bound', q: 0.99, counts: [0, 0, 0, 0, 3], expected: 1 },
])('$name', ({ q, counts, expected }) => {
  const value = histogramQuantile(q, counts, BOUNDS);
  if (expected === undefined) expect(value).toBeUndefined();
  else expect(value).toBeCloseTo(expected, 9);
});
