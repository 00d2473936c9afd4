/**
 * `npm run console:screenshot`: regenerates docs/console.png, the README's picture of the
 * operator console. It runs the demo (its upstreams and config, the console on) on loopback,
 * sends panel queries for about 40 s, makes the tickets upstream fail for the last 10 s so a
 * breaker is open in the picture, and screenshots the connectors page in the system Chromium.
 * Bounded: it stops by itself.
 */
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { createGateway } from '../../index.ts';
import { createLogger } from '../../observability/index.ts';
import { startDemoUpstreams } from '../../demo/upstreams.ts';
import { launchChromium } from './chromium.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUTPUT = path.join(REPO_ROOT, 'docs', 'console.png');
const RUN_MS = 40_000; // 4 sparkline points
const FAULT_AFTER_MS = 30_000;
const TOKEN = 'screenshot';
const CUSTOMERS = ['7', '18', '52', '63', '88'];
const PANEL = 'query Panel($id: ID!) { customer(id: $id) { id name tier points risk { level fraudScore } orders(limit: 3) { id createdAt totalCents status } tickets(status: "open") { id subject agent { name team } } } }';

const upstreams = await startDemoUpstreams({ recordRequests: false, delayMs: 2 });
const gateway = await createGateway({
  configDir: REPO_ROOT,
  env: { ...upstreams.env },
  dev: true,
  console: { enabled: true, adminToken: TOKEN },
  logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
});
const { url } = await gateway.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
try {
  const startedAt = Date.now();
  let sent = 0;
  let done = false;
  const send = (id: string) => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PANEL, variables: { id } }) }).then((r) => r.arrayBuffer());
  process.stdout.write(`console:screenshot: demo traffic for ${RUN_MS / 1000} s (tickets fails after ${FAULT_AFTER_MS / 1000} s)\n`);
  while (Date.now() - startedAt < RUN_MS) {
    if (Date.now() - startedAt > FAULT_AFTER_MS) upstreams.setFailing('tickets', true);
    const id = CUSTOMERS[sent % CUSTOMERS.length]!;
    await send(id);
    sent += 1;
    await delay(25);
  }
  // Traffic goes on while the page loads, so a half-open tickets breaker is probed and opens again.
  const more = (async () => {
    for (let i = 0; i < 2_000 && !done; i++) {
      await send(CUSTOMERS[i % CUSTOMERS.length]!);
      await delay(25);
    }
  })();
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 500 });
  await page.goto(`${url}/console?token=${TOKEN}`);
  await page.waitForSelector('[data-connector="tickets"][data-breaker="open"]');
  await page.screenshot({ path: OUTPUT });
  done = true;
  await more;
  process.stdout.write(`console:screenshot: ${sent} requests; wrote ${path.relative(REPO_ROOT, OUTPUT)}\n`);
} finally {
  await browser.close();
  await gateway.close();
  await upstreams.close();
}
