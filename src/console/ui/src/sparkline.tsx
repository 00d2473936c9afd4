/** A latency sparkline: p99 and p50 per 10 s bucket as two SVG polylines (no chart library for two lines). */
export function Sparkline({ series, label }: { series: { p50Ms: number | null; p99Ms: number | null }[]; label: string }) {
  const width = 120;
  const height = 28;
  const top = Math.max(1, ...series.map((p) => p.p99Ms ?? 0));
  const step = series.length > 1 ? width / (series.length - 1) : width;
  const line = (pick: (p: { p50Ms: number | null; p99Ms: number | null }) => number | null) => {
    const points: [number, number][] = [];
    series.forEach((p, i) => {
      const v = pick(p);
      if (v !== null) points.push([i * step, height - 1 - (v / top) * (height - 2)]);
    });
    // A single bucket with calls (the first 10 s) still shows, as a short dash.
    if (points.length === 1) points.push([points[0]![0] + 4, points[0]![1]]);
    return points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  };
  return (
    <svg class="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <polyline class="p99" points={line((p) => p.p99Ms)} />
      <polyline class="p50" points={line((p) => p.p50Ms)} />
    </svg>
  );
}
