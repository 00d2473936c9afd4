import type { Row, Target } from './report.ts';

const COLORS: Record<Target, string> = { gateway: '#2b7bb9', 'gateway-solo': '#8fbde0', baseline: '#d9822b', floor: '#6a9f58', direct: '#9e9e9e' };
const TARGETS: readonly Target[] = ['gateway', 'gateway-solo', 'baseline', 'floor', 'direct'];

/**
 * A plain SVG with two bar charts side by side: requests/s and p99 latency per scenario, one bar
 * per server. Only rows of one upstream delay (the first measured) are drawn.
 */
export function renderChart(rows: readonly Row[], title: string): string {
  const delay = rows[0]?.delayMs ?? 0;
  const shown = rows.filter((r) => r.delayMs === delay);
  const scenarios = [...new Set(shown.map((r) => r.scenario))];
  const panelWidth = 460;
  const panelHeight = 260;
  const parts: string[] = [];
  const panel = (x0: number, label: string, value: (r: Row) => number, unit: string): void => {
    const max = Math.max(1, ...shown.map(value));
    const groupWidth = panelWidth / Math.max(1, scenarios.length);
    const barWidth = (groupWidth - 16) / TARGETS.length;
    parts.push(`<text x="${x0 + panelWidth / 2}" y="44" text-anchor="middle" font-size="14">${label}</text>`);
    parts.push(`<line x1="${x0}" y1="${60 + panelHeight}" x2="${x0 + panelWidth}" y2="${60 + panelHeight}" stroke="#333"/>`);
    scenarios.forEach((scenario, i) => {
      const gx = x0 + i * groupWidth + 8;
      TARGETS.forEach((target, j) => {
        const row = shown.find((r) => r.scenario === scenario && r.target === target);
        if (!row) return;
        const h = (value(row) / max) * (panelHeight - 20);
        const x = gx + j * barWidth;
        const y = 60 + panelHeight - h;
        parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[target]}"><title>${scenario} ${target}: ${value(row).toFixed(1)} ${unit}</title></rect>`);
        parts.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="8">${value(row).toFixed(0)}</text>`);
      });
      parts.push(`<text x="${(gx + (groupWidth - 16) / 2).toFixed(1)}" y="${78 + panelHeight}" text-anchor="middle" font-size="10">${scenario}</text>`);
    });
  };
  panel(20, 'Requests per second (higher is better)', (r) => r.rps, 'req/s');
  panel(40 + panelWidth, 'p99 latency, ms (lower is better)', (r) => r.p99, 'ms');
  TARGETS.forEach((target, i) => {
    parts.push(`<rect x="${20 + i * 110}" y="${100 + panelHeight}" width="12" height="12" fill="${COLORS[target]}"/><text x="${36 + i * 110}" y="${110 + panelHeight}" font-size="11">${target}</text>`);
  });
  const width = 60 + panelWidth * 2;
  const height = 130 + panelHeight;
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
