import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createGateway, type Gateway } from '../../src/index.ts';
import { createLogger } from '../../src/observability/index.ts';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/upstreams.ts';
import { explainOperation, printPlan } from '../../src/plan/index.ts';
import { launchChromium, type Browser } from '../../src/console/build/chromium.ts';
import { REPO_ROOT } from '../support/gateway.ts';
import { curlBody, markedBlock, readDoc } from '../support/markdown.ts';

/**
 * The console in a real browser (the system Chromium, through playwright-core) against a demo
 * gateway: the demo's upstreams and config, the console on. Every wait is on the page's DOM
 * (the page polls the admin API), never on a length of time; screenshots go to test/artifacts/.
 */
const TOKEN = 'browser-test-token-9876543210';
const ARTIFACTS = path.join(REPO_ROOT, 'test', 'artifacts');
const PANEL = JSON.parse(curlBody(markedBlock(readDoc('README.md'), 'panel-query'))) as { query: string; variables: Record<string, unknown> };

let upstreams: DemoUpstreams;
let gateway: Gateway;
let url: string;
let browser: Browser;
/** Every request the browser made anywhere but the gateway: the page must need none (no CDN). */
const elsewhere: string[] = [];

const panel = () => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(PANEL) }).then((r) => r.json());

beforeAll(async () => {
  upstreams = await startDemoUpstreams({ recordRequests: false });
  gateway = await createGateway({
    configDir: REPO_ROOT,
    env: { ...upstreams.env },
    dev: true,
    console: { enabled: true, adminToken: TOKEN },
    logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
  });
  ({ url } = await gateway.listen({ port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
  await browser.context.route('**/*', (route) => {
    if (route.request().url().startsWith(url)) return route.continue();
    elsewhere.push(route.request().url());
    return route.abort();
  });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await upstreams?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });

describe('the console in Chromium', () => {
  test('without the credential the page is refused', async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${url}/console`);
    expect(response!.status()).toBe(401);
    expect(await page.textContent('body')).toContain('REQUEST_ADMIN_UNAUTHORIZED');
    const wrong = await page.goto(`${url}/console?token=not-the-token`);
    expect(wrong!.status()).toBe(401);
    await shot(page, 'refused');
    await page.close();
  });

  test('the connectors page lists the demo connectors', async () => {
    for (let i = 0; i < 3; i++) expect((await panel()).errors).toBeUndefined();
    const page = await browser.context.newPage();
    // Opening the token address once leaves a session cookie and /console in the address bar.
    await page.goto(`${url}/console?token=${TOKEN}`);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/console');
    await page.waitForSelector('#connectors tbody tr');
    const names = await page.$$eval('#connectors tbody tr', (rows) => rows.map((row) => row.getAttribute('data-connector')));
    expect(names.sort()).toEqual(gateway.blueprint.connectors.map((c) => c.name).sort());
    expect(names).toEqual(expect.arrayContaining(['agents', 'crm', 'orders', 'risk', 'tickets']));
    expect(await page.getAttribute('[data-connector="crm"]', 'data-breaker')).toBe('closed');
    // The three panel queries are there: crm was called, with a latency and a sparkline.
    await page.waitForFunction(() => !document.querySelector('[data-connector="crm"] td:nth-child(6)')?.textContent?.startsWith('–'));
    expect(await page.locator('[data-connector="crm"] svg.spark polyline').count()).toBe(2);
    await shot(page, 'connectors');
    await page.close();
  });

  test('after a fault is injected into the tickets upstream the page shows its breaker open', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${url}/console#connectors`);
    await page.waitForSelector('[data-connector="tickets"][data-breaker="closed"]');
    upstreams.setFailing('tickets', true);
    // Panel queries until the breaker opens (20 attempts, more than half failed); while the page
    // has not shown it yet, a half-open breaker is sent one more failing probe so it stays open.
    let stop = false;
    const keepFailing = (async () => {
      for (let i = 0; i < 500 && !stop; i++) {
        if (gateway.connectorStates().tickets!.breaker !== 'open') await panel();
        else await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      await page.waitForSelector('[data-connector="tickets"][data-breaker="open"]');
    } finally {
      stop = true;
      await keepFailing;
    }
    expect(await page.textContent('[data-connector="tickets"] .badge.breaker-open')).toBe('open');
    expect(await page.getAttribute('[data-connector="tickets"]', 'data-health')).toBe('down');
    // The other connectors kept answering: only tickets is down.
    expect(await page.getAttribute('[data-connector="crm"]', 'data-breaker')).toBe('closed');
    await shot(page, 'breaker-open');
    upstreams.setFailing('tickets', false);
    await page.close();
  });

  test('the plan explorer shows the plan of the README panel query, as tessera explain prints it', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${url}/console#explain`);
    await page.fill('#explain-query', PANEL.query);
    await page.fill('#explain-variables', JSON.stringify(PANEL.variables));
    await page.click('#explain-run');
    await page.waitForSelector('#plan');
    const explained = explainOperation(gateway.blueprint, PANEL.query, { variables: PANEL.variables });
    if (!('plan' in explained)) throw new Error('the README panel query must plan');
    expect(await page.textContent('#plan')).toBe(printPlan(explained.plan));
    await shot(page, 'explain');
    await page.close();
  });

  test('the callers, field usage and config pages show the traffic, the fields used and the config version', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${url}/console#callers`);
    // The demo has no callers.yaml: every request is the caller `anonymous`.
    await page.waitForSelector('#callers [data-caller="anonymous"]');
    await shot(page, 'callers');
    await page.click('[data-page-link="usage"]');
    await page.waitForSelector('[data-usage-caller="anonymous"]');
    expect(await page.textContent('[data-usage-caller="anonymous"]')).toContain('Query.customer');
    expect(await page.locator('#unused-fields li').count()).toBeGreaterThan(0);
    await shot(page, 'usage');
    await page.click('[data-page-link="config"]');
    await page.waitForSelector('[data-config-version]');
    expect(await page.textContent('[data-config-version]')).toBe(gateway.readiness.report().configVersion);
    await shot(page, 'config');
    await page.close();
    expect(elsewhere).toEqual([]);
  });
});
