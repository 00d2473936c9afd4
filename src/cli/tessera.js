#!/usr/bin/env -S node --max-semi-space-size=16 --no-allocation-site-pretenuring
// The tessera entry point (npm start, npm run tessera, the package bin). Plain JavaScript on
// purpose: an older Node cannot even parse a .ts file, so the version is checked here, before
// any TypeScript is loaded, and a too-old Node gets one line instead of a loader stack trace.

// Node runs .ts files without flags from 22.18 on the 22 line and from 23.6 on; engines in
// package.json says the same (test/cli/node-version.test.ts keeps the two together).
const NEEDED = '^22.18.0 || >=23.6.0';

/** True when this Node strips TypeScript types by default (22.18+, 23.6+, 24+). */
function runsTypeScript(version) {
  const [major, minor] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

const found = process.versions.node;
if (!runsTypeScript(found)) {
  process.stderr.write(
    `tessera: Node.js ${found} is too old; Tessera needs Node.js 22.18 or newer (package.json engines: ${NEEDED}). ` +
      'Install Node.js 24 LTS from nodejs.org or with a version manager (e.g. nvm install 24), then run the command again.\n',
  );
  process.exitCode = 1;
} else {
  await import('./main.ts');
}
