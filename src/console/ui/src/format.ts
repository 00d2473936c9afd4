/** How long ago an ISO time was, in words an operator reads at a glance: `42 s`, `3 min`, `2 h`. */
export function since(iso: string, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export function percent(ratio: number | null): string {
  return ratio === null ? '–' : `${(ratio * 100).toFixed(ratio === 0 || ratio === 1 ? 0 : 1)} %`;
}

export function ms(value: number | null): string {
  return value === null ? '–' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

export function rate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(2) : String(Math.round(perSecond));
}
