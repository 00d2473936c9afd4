/** Units by dimension, as a factor to the dimension's base unit. Temperature is handled apart. */
const FACTORS: Record<string, Record<string, number>> = {
  length: { mm: 0.001, cm: 0.01, m: 1, km: 1000, in: 0.0254, ft: 0.3048, mi: 1609.344 },
  mass: { g: 0.001, kg: 1, lb: 0.45359237, oz: 0.028349523125 },
  time: { ms: 0.001, s: 1, min: 60, h: 3600, d: 86_400 },
  data: { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 },
  // Money in minor units (cents) and major units (dollars): for currencies with two decimals.
  money: { minor: 0.01, major: 1 },
};
const TEMPERATURE = new Set(['C', 'F', 'K']);

/** Every unit name we know, for error messages. */
export const KNOWN_UNITS: readonly string[] = [...Object.values(FACTORS).flatMap((d) => Object.keys(d)), ...TEMPERATURE];

/** Compiles a conversion; returns a message instead when the units are unknown or of different kinds. */
export function compileUnitConversion(from: string, to: string, decimals: number | undefined): ((value: number) => number) | string {
  const round = decimals === undefined ? (v: number) => v : (v: number) => Number(v.toFixed(decimals));
  if (TEMPERATURE.has(from) && TEMPERATURE.has(to)) {
    const toKelvin = (v: number) => (from === 'C' ? v + 273.15 : from === 'F' ? ((v - 32) * 5) / 9 + 273.15 : v);
    const fromKelvin = (k: number) => (to === 'C' ? k - 273.15 : to === 'F' ? ((k - 273.15) * 9) / 5 + 32 : k);
    return (v) => round(fromKelvin(toKelvin(v)));
  }
  const unknown = [from, to].find((unit) => !KNOWN_UNITS.includes(unit));
  if (unknown !== undefined) return `expected a known unit (${KNOWN_UNITS.join(', ')}); got "${unknown}"`;
  const fromDimension = dimensionOf(from);
  const toDimension = dimensionOf(to);
  if (fromDimension !== toDimension) return `expected two units of the same kind; ${from} is a ${fromDimension} unit, ${to} is a ${toDimension} unit`;
  const units = FACTORS[fromDimension]!;
  const a = units[from]!;
  const b = units[to]!;
  // Divide by the inverse factor when shrinking: 167335 / 100 is 1673.35, 167335 * 0.01 is not.
  return a >= b ? (v) => round(v * (a / b)) : (v) => round(v / (b / a));
}

function dimensionOf(unit: string): string {
  if (TEMPERATURE.has(unit)) return 'temperature';
  return Object.entries(FACTORS).find(([, units]) => units[unit] !== undefined)![0];
}
