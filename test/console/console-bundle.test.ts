import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { buildConsole, CONSOLE_DIST_DIR } from '../../src/console/build/build-ui.ts';
import { CONSOLE_DIST_DIR as SERVED_DIR } from '../../src/console/console-page.ts';

test('the committed console bundle is what `npm run console:build` makes of its sources', async () => {
  expect(SERVED_DIR).toBe(CONSOLE_DIST_DIR);
  const built = await buildConsole();
  expect(Object.keys(built).sort()).toEqual(['console.css', 'console.js', 'index.html']);
  for (const [name, text] of Object.entries(built)) {
    expect(readFileSync(path.join(CONSOLE_DIST_DIR, name), 'utf8'), `${name} is stale: run npm run console:build`).toBe(text);
  }
});

test('the bundle is small and loads nothing from elsewhere', async () => {
  const built = await buildConsole();
  expect(Buffer.byteLength(built['console.js']!)).toBeLessThan(64 * 1024);
  for (const text of Object.values(built)) expect(text).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//);
  expect(built['console.js']).not.toMatch(/\bimport\s*\(|from\s*["']https?:/);
});
