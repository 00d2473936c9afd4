import type { GraphiQLOptions } from 'graphql-yoga';
import type { GraphiQLAssets } from './graphiql-assets.ts';

/** The Monaco editor's web workers, by the label Monaco asks for them with. */
const WORKERS = { editorWorkerService: 'monacoeditorwork/editor.worker.bundle.js', json: 'monacoeditorwork/json.worker.bundle.js', graphql: 'monacoeditorwork/graphql.worker..bundle.js' };

/**
 * The GraphiQL page, in place of graphql-yoga's default, which loads its script, style and
 * workers from a CDN (a blank page offline) and leaves `Loading __TITLE__...` in the page. Every
 * URL here is the gateway's own; the favicon is inline, so the browser asks for nothing else.
 */
export function renderGraphiQLPage(options: GraphiQLOptions, assets: GraphiQLAssets | undefined): string {
  const title = escapeHtml(options.title ?? 'Tessera');
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">`;
  if (!assets) {
    return `${head}</head><body><h1>${title}</h1><p>GraphiQL's files are not installed: they come from the package @graphql-yoga/graphiql, a development dependency of Tessera. Install the project with <code>npm ci</code> (not <code>--omit=dev</code>) to use GraphiQL.</p></body></html>`;
  }
  const workerUrls = Object.fromEntries(Object.entries(WORKERS).map(([label, file]) => [label, assets.url(file)]));
  return (
    `${head}<link rel="stylesheet" href="${assets.url('graphiql.css')}"></head>` +
    `<body id="body" class="no-focus-outline"><noscript>GraphiQL needs JavaScript.</noscript><div id="root">Loading ${title}…</div>` +
    // The workers are on this origin, so Monaco can load them by URL (a CDN needs blob: copies).
    `<script>const workerUrls = ${scriptJson(workerUrls)};self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workerUrls[label] };</script>` +
    `<script src="${assets.url('yoga-graphiql.umd.js')}"></script>` +
    `<script>YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${scriptJson(options)});</script>` +
    `</body></html>`
  );
}

/** JSON that is safe inside a <script> element (no `</script>` can end it early). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
