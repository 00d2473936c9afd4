import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's bench/ folder: a checkout has it, the production image does not. */
const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench');
const SUITES: Record<string, string> = { load: 'run.ts', micro: 'micro/run-all.ts', soak: 'soak.ts' };

/**
 * `tessera bench [load|micro|soak] [--flags]`: runs a benchmark suite of bench/ in a child
 * process (so its servers and CPU pinning are its own), passing the flags through.
 */
export async function runBench(argv: string[]): Promise<number> {
  const suite = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : 'load';
  const flags = suite === argv[0] ? argv.slice(1) : argv;
  const script = SUITES[suite];
  if (!script) {
    process.stderr.write(`Unknown bench suite "${suite}": expected one of ${Object.keys(SUITES).join(', ')}.\n`);
    return 2;
  }
  const file = path.join(BENCH_DIR, script);
  if (!existsSync(file)) {
    process.stderr.write(`The benchmarks are not part of this installation (no ${path.relative(process.cwd(), file)}): run them from a checkout of the repository.\n`);
    return 2;
  }
  const child = spawn(process.execPath, [file, ...flags], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}
