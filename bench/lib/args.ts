/**
 * `--name=value` flags with `BENCH_NAME` environment fallbacks, so both
 * `npm run bench -- --duration=10` and `BENCH_DURATION=10 npm run bench` work.
 */
export function readFlags(argv: readonly string[] = process.argv.slice(2)): (name: string, fallback: string) => string {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Unknown argument "${arg}": expected --name=value.`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  return (name, fallback) => flags.get(name) ?? process.env[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`] ?? fallback;
}

export function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got "${text}".`);
  return value;
}
