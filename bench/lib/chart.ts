import { MODES, modeOf, type Row, type Target } from './report.ts';

const COLORS: Record<Target, string> = {
  gateway: '#2b7bb9',
  'gateway-solo': '#8fbde0',
  baseline: '#d9822b',
  floor: '#6a9f58',
  ceiling: '#7b5ea7',
  direct: '#9e9e9e',
};
const TARGETS: readonly Target[] = ['gateway', 'gateway-solo', 'baseline', 'floor', 'ceiling', 'direct'];

/**
 * A plain SVG with two bar charts side by side per mode (varied requests, then identical ones):
 * requests/s and p99 latency per scenario, one bar per server. Only rows of one upstream delay
 * (the first measured) are drawn. Both modes share each chart's scale, so their bars compare.
 */
export function renderChart(rows: readonly Row[], title: string): string {
  const delay = rows[0]?.delayMs ?? 0;
  const shown = rows.filter((r) => r.delayMs === delay);
  const scenarios = [...new Set(shown.map((r) => r.scenario))];
  const modes = MODES.filter((mode) => shown.some((r) => modeOf(r) === mode));
  const panelWidth = 460;
  const panelHeight = 260;
  /** The height of one mode's pair of charts: their titles, bars and scenario labels. */
  const bandHeight = panelHeight + 90;
  const parts: string[] = [];
  const panel = (x0: number, y0: number, label: string, inMode: readonly Row[], value: (r: Row) => number, unit: string): void => {
    const max = Math.max(1, ...shown.map(value));
    const groupWidth = panelWidth / Math.max(1, scenarios.length);
    const barWidth = (groupWidth - 16) / TARGETS.length;
    const axis = y0 + 60 + panelHeight;
    parts.push(`<text x="${x0 + panelWidth / 2}" y="${y0 + 44}" text-anchor="middle" font-size="14">${label}</text>`);
    parts.push(`<line x1="${x0}" y1="${axis}" x2="${x0 + panelWidth}" y2="${axis}" stroke="#333"/>`);
    scenarios.forEach((scenario, i) => {
      const gx = x0 + i * groupWidth + 8;
      TARGETS.forEach((target, j) => {
        const row = inMode.find((r) => r.scenario === scenario && r.target === target);
        if (!row) return;
        const h = (value(row) / max) * (panelHeight - 20);
        const x = gx + j * barWidth;
        const y = axis - h;
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[target]}"><title>${scenario} ${modeOf(row)} ${target}: ${value(row).toFixed(1)} ${unit}</title></rect>`,
        );
        parts.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="8">${value(row).toFixed(0)}</text>`);
      });
      parts.push(`<text x="${(gx + (groupWidth - 16) / 2).toFixed(1)}" y="${axis + 18}" text-anchor="middle" font-size="10">${scenario}</text>`);
    });
  };
  modes.forEach((mode, m) => {
    const inMode = shown.filter((r) => modeOf(r) === mode);
    const y0 = m * bandHeight;
    panel(20, y0, `Requests per second, ${mode} requests (higher is better)`, inMode, (r) => r.rps, 'req/s');
    panel(40 + panelWidth, y0, `p99 latency, ms, ${mode} requests (lower is better)`, inMode, (r) => r.p99, 'ms');
  });
  const legendY = Math.max(1, modes.length) * bandHeight;
  TARGETS.forEach((target, i) => {
    parts.push(`<rect x="${20 + i * 110}" y="${legendY + 10}" width="12" height="12" fill="${COLORS[target]}"/><text x="${36 + i * 110}" y="${legendY + 20}" font-size="11">${target}</text>`);
  });
  const width = 60 + panelWidth * 2;
  const height = legendY + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="20" y="20" font-size="13">${escapeXml(title)} (upstream delay ${delay} ms)</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
