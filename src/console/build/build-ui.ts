/**
 * Builds the operator console's page (src/console/ui/src) into src/console/ui/dist: one
 * minified script (Preact bundled in, no CDN), its stylesheet and the HTML. The output is
 * committed, so `npm ci --omit=dev` images serve it without esbuild; a test checks that it is
 * what this build makes of the sources. `npm run console:build` rewrites it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../ui');
export const CONSOLE_SOURCES_DIR = path.join(UI_DIR, 'src');
export const CONSOLE_DIST_DIR = path.join(UI_DIR, 'dist');

/** The files of the built page, by name, exactly as they are committed. */
export async function buildConsole(): Promise<Record<string, string>> {
  const result = await build({
    entryPoints: [path.join(CONSOLE_SOURCES_DIR, 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    // Paths in the output would differ from machine to machine.
    sourcemap: false,
  });
  const js = result.outputFiles[0]!.text;
  return {
    'console.js': js,
    'console.css': await readFile(path.join(CONSOLE_SOURCES_DIR, 'console.css'), 'utf8'),
    'index.html': await readFile(path.join(CONSOLE_SOURCES_DIR, 'index.html'), 'utf8'),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildConsole();
  await mkdir(CONSOLE_DIST_DIR, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(CONSOLE_DIST_DIR, name), text);
  const sizes = Object.entries(files).map(([name, text]) => `${name} ${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`);
  process.stdout.write(`console built: ${sizes.join(', ')}\n`);
}
