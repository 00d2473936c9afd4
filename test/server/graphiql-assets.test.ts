import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderGraphiQLPage } from '../../src/server/render-graphiql.ts';
import { startDemo, startGateway, REPO_ROOT, type TestDemo, type TestGateway } from '../support/gateway.ts';

/**
 * GraphiQL works offline: the page the demo serves names only the gateway's own URLs, and every
 * file it loads (script, style sheet, the editor's workers, anything those refer to) is served by
 * the gateway with its content type and a cache header for good (the path carries the version).
 */
const VERSION = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json'), 'utf8')) as { version: string }).version;
const PREFIX = `/graphiql/${VERSION}/`;

let demo: TestDemo;
let prod: TestGateway;
let html: string;
beforeAll(async () => {
  demo = await startDemo();
  prod = await startGateway({ configDir: REPO_ROOT, env: demo.upstreams.env, dev: false });
  const page = await fetch(`${demo.url}/graphql`, { headers: { accept: 'text/html' } });
  expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html']);
  html = await page.text();
});
afterAll(async () => {
  await prod?.close();
  await demo?.close();
});

/** URLs a page or a file refers to: src/href attributes, url(...) in CSS, quoted paths in scripts, source maps. */
function referencedUrls(text: string): string[] {
  const found = [
    ...[...text.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!),
    ...[...text.matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/"(\/[^"\s]+\.(?:js|css|woff2?|ttf|svg|png|ico|map))"/g)].map((m) => m[1]!),
    ...[...text.matchAll(/sourceMappingURL=(\S+)/g)].map((m) => m[1]!),
  ];
  return [...new Set(found.filter((url) => !url.startsWith('data:')))];
}

describe('the GraphiQL page', () => {
  test('has the right title and no placeholder left', () => {
    expect(/<title>(.*?)<\/title>/.exec(html)?.[1]).toBe('Tessera');
    expect(html).toContain('<div id="root">Loading Tessera…</div>');
    expect(html).not.toMatch(/__[A-Z]+__/);
  });

  test('names no URL off the gateway', () => {
    expect(html.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*/gi) ?? []).toEqual([]);
  });

  test('refers to the script, the style sheet and the three editor workers, all under the versioned prefix', () => {
    expect(referencedUrls(html).sort()).toEqual(
      ['graphiql.css', 'monacoeditorwork/editor.worker.bundle.js', 'monacoeditorwork/graphql.worker..bundle.js', 'monacoeditorwork/json.worker.bundle.js', 'yoga-graphiql.umd.js'].map((file) => PREFIX + file),
    );
  });

  test('every file it loads, and every file those refer to, is served by the gateway', async () => {
    const seen = new Set<string>();
    const queue = referencedUrls(html);
    while (queue.length > 0) {
      const url = new URL(queue.shift()!, `${demo.url}/graphql`);
      expect(url.origin).toBe(demo.url);
      if (seen.has(url.pathname)) continue;
      seen.add(url.pathname);
      const response = await fetch(url);
      const text = await response.text();
      expect({
        url: url.pathname,
        status: response.status,
        type: response.headers.get('content-type'),
        cache: response.headers.get('cache-control'),
        length: Number(response.headers.get('content-length')) === Buffer.byteLength(text) && text.length > 0,
      }).toEqual({
        url: url.pathname,
        status: 200,
        type: url.pathname.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
        cache: 'public, max-age=31536000, immutable',
        length: true,
      });
      if (url.pathname.endsWith('.css')) queue.push(...referencedUrls(text).map((ref) => new URL(ref, url).href));
      else queue.push(...[...text.matchAll(/sourceMappingURL=(\S+)/g)].map((m) => new URL(m[1]!, url).href));
    }
    expect(seen.size).toBe(5);
  });

  test('HEAD answers the headers only', async () => {
    const head = await fetch(`${demo.url}${PREFIX}graphiql.css`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, 'text/css; charset=utf-8', '']);
  });

  test.for([
    ['an unknown file', 'nope.js', 'GET'],
    ['the ES build (not served)', 'yoga-graphiql.es.js', 'GET'],
    ['a POST', 'graphiql.css', 'POST'],
  ])('%s under the prefix is a JSON 404', async ([, file, method]) => {
    const response = await fetch(`${demo.url}${PREFIX}${file}`, { method });
    expect([response.status, await response.json()]).toEqual([404, { errors: [{ message: `Not found. GraphiQL's files are served by GET under ${PREFIX}.`, extensions: { code: 'NOT_FOUND' } }] }]);
  });

  test('outside dev mode the files are not served', async () => {
    const response = await fetch(`${prod.url}${PREFIX}graphiql.css`);
    expect([response.status, await response.json()]).toEqual([404, { errors: [{ message: 'Not found. The GraphQL endpoint is /graphql.', extensions: { code: 'NOT_FOUND' } }] }]);
  });
});

describe('renderGraphiQLPage', () => {
  test('escapes the title and the options', () => {
    const page = renderGraphiQLPage({ title: '<b>&"', defaultQuery: '# </script><script>alert(1)</script>' }, undefined);
    expect(page).toContain('<title>&lt;b&gt;&amp;&quot;</title>');
    const withAssets = renderGraphiQLPage({ title: 'T', defaultQuery: '# </script>' }, { prefix: '/g/', url: (file) => `/g/${file}`, files: new Map() });
    expect(withAssets).toContain('"defaultQuery":"# \\u003c/script>"');
    expect(withAssets.match(/<\/script>/g)).toHaveLength(3);
  });

  test('without the package installed, the page says how to get it', () => {
    expect(renderGraphiQLPage({ title: 'Tessera' }, undefined)).toContain(
      "GraphiQL's files are not installed: they come from the package @graphql-yoga/graphiql, a development dependency of Tessera.",
    );
  });
});
