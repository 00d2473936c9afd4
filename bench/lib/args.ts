import { didYouMean } from '../../src/util/did-you-mean.ts';

/**
 * `--name=value` flags with `BENCH_NAME` environment fallbacks, so both
 * `npm run bench -- --duration=10` and `BENCH_DURATION=10 npm run bench` work.
 * `known` maps each flag to its help line: `--help` prints them, and an unknown flag is an error
 * (a misspelt `--duraton=3` must not silently run a full-length benchmark).
 */
export function readFlags(known: Readonly<Record<string, string>>, argv: readonly string[] = process.argv.slice(2)): (name: string, fallback: string) => string {
  const flags = new Map<string, string>();
  const names = Object.keys(known);
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      console.log(`Flags (each also read from BENCH_<NAME> in the environment):\n${names.map((n) => `  --${n.padEnd(14)} ${known[n]}`).join('\n')}`);
      process.exit(0);
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) usageError(`Unknown argument "${arg}": expected --name=value (--help lists the flags).`);
    if (!(match[1]! in known)) usageError(`Unknown flag --${match[1]}.${didYouMean(match[1]!, names)} (--help lists the flags)`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  return (name, fallback) => flags.get(name) ?? process.env[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`] ?? fallback;
}

/** A mistake on the command line is the user's, not ours: a message and exit code 2, no stack. */
function usageError(message: string): never {
  console.error(message);
  process.exit(2);
}

export function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got "${text}".`);
  return value;
}
