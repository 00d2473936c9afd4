import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { text } from 'node:stream/consumers';
import { hashApiKey } from '../../callers/api-keys.ts';

/**
 * `tessera hash-key`: prints the sha256 hex of an API key, the form callers.yaml stores. The key
 * is read from standard input (so it stays out of the shell history); `--generate` makes a new
 * random key (32 bytes, base64url) and prints the key and its hash.
 */
export async function runHashKey(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { generate: { type: 'boolean', default: false } } });
  if (values.generate) {
    const key = randomBytes(32).toString('base64url');
    process.stdout.write(`key:  ${key}\nhash: ${hashApiKey(key)}\n`);
    return 0;
  }
  if (process.stdin.isTTY) process.stderr.write('API key (then Enter, Ctrl-D): ');
  const key = (await text(process.stdin)).replace(/\r?\n$/, '');
  if (key === '') {
    process.stderr.write('No key on standard input: echo -n "$KEY" | tessera hash-key, or tessera hash-key --generate.\n');
    return 2;
  }
  process.stdout.write(`${hashApiKey(key)}\n`);
  return 0;
}
