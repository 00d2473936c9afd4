import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

/** GraphiQL's built files, served by the gateway itself so the page works offline. */
export interface GraphiQLAssets {
  /** URL path the files are served under, versioned so they can be cached for good: `/graphiql/4.5.0/`. */
  prefix: string;
  /** URL of each file by its path in the package's dist/ (`graphiql.css` → `/graphiql/4.5.0/graphiql.css`). */
  url(file: string): string;
  /** Files by URL path: where they are on disk, their content type and size. */
  files: ReadonlyMap<string, { file: string; contentType: string; bytes: number }>;
}

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const PACKAGE = '@graphql-yoga/graphiql';

/**
 * Finds the built GraphiQL of @graphql-yoga/graphiql (a development dependency; the Docker image
 * copies its dist/) and lists its files once, at start. Undefined when the package is not installed.
 */
export function locateGraphiQLAssets(): GraphiQLAssets | undefined {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
  } catch {
    return undefined;
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const dist = path.join(path.dirname(manifest), 'dist');
  const prefix = `/graphiql/${version}/`;
  const files = new Map<string, { file: string; contentType: string; bytes: number }>();
  for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
    const contentType = CONTENT_TYPES[path.extname(entry)];
    if (!contentType || entry.endsWith('.es.js')) continue; // the page loads the UMD build; the ES build is for bundlers
    const file = path.join(dist, entry);
    files.set(prefix + entry.split(path.sep).join('/'), { file, contentType, bytes: statSync(file).size });
  }
  return { prefix, url: (file) => prefix + file, files };
}

/** Answers a request under `assets.prefix`: the file (cacheable forever: the path carries the version), or 404. */
export function serveGraphiQLAsset(assets: GraphiQLAssets, pathname: string, req: IncomingMessage, res: ServerResponse, requestId: string): void {
  const asset = assets.files.get(pathname);
  if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) {
    const text = JSON.stringify({ errors: [{ message: `Not found. GraphiQL's files are served by GET under ${assets.prefix}.`, extensions: { code: 'NOT_FOUND' } }] });
    res.writeHead(404, { 'x-request-id': requestId, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  res.writeHead(200, {
    'x-request-id': requestId,
    'content-type': asset.contentType,
    'content-length': asset.bytes,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(asset.file).pipe(res);
}
