import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the page, held in memory: the page is small and served from the gateway itself (no CDN, works offline). */
export interface ConsoleAsset {
  type: string;
  body: Buffer;
}

export interface ConsolePage {
  /** By request path: `/console` (the HTML), `/console/console.js`, `/console/console.css`. */
  assets: ReadonlyMap<string, ConsoleAsset>;
}

/** The built bundle (`npm run console:build`), committed beside its sources. */
export const CONSOLE_DIST_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ui', 'dist');

const FILES: readonly [string, string, string][] = [
  ['/console', 'index.html', 'text/html; charset=utf-8'],
  ['/console/console.js', 'console.js', 'text/javascript; charset=utf-8'],
  ['/console/console.css', 'console.css', 'text/css; charset=utf-8'],
];

/** Reads the page's files once, when the console is enabled. */
export function consolePage(dir: string = CONSOLE_DIST_DIR): ConsolePage {
  return { assets: new Map(FILES.map(([route, file, type]) => [route, { type, body: readFileSync(path.join(dir, file)) }])) };
}
