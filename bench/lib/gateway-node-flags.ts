import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The Node/V8 flags the gateway ships with, read from `npm start` in package.json (the Docker
 * image's ENTRYPOINT and the `tessera` bin carry the same; test/cli/launch-flags.test.ts holds
 * them together). The bench starts the gateway with them, as operators run it; the baseline and
 * the floor keep Node's defaults, which are what a hand-written server gets.
 */
export function gatewayNodeFlags(packageJsonPath = path.join(REPO_ROOT, 'package.json')): string[] {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { scripts?: Record<string, string> };
  const start = pkg.scripts?.start;
  if (!start) throw new Error(`${packageJsonPath} has no "start" script to read the gateway's node flags from`);
  return nodeFlagsOf(start);
}

/** The `--flags` between `node` and the script in a command line (`node --a --b src/x.ts demo` → `--a --b`). */
export function nodeFlagsOf(command: string): string[] {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`Expected a command starting with "node", got: ${command}`);
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}
