/**
 * The q-quantile (0..1) of per-bucket counts with these upper bounds, interpolated linearly
 * within its bucket as Prometheus's histogram_quantile does; undefined when there is no
 * observation. A quantile in the +Inf bucket is reported as the largest finite bound.
 */
export function histogramQuantile(q: number, counts: readonly number[], bounds: readonly number[]): number | undefined {
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return undefined;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i]!;
    if (below + inBucket >= rank && inBucket > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1];
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      return lower + (bounds[i]! - lower) * ((rank - below) / inBucket);
    }
    below += inBucket;
  }
  return bounds[bounds.length - 1];
}
