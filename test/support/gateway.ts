import { Writable } from 'node:stream';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/index.ts';
import { createLogger } from '../../src/observability/index.ts';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/upstreams.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** Every log line the gateway wrote, parsed. */
  logs: Record<string, unknown>[];
  /** POSTs a GraphQL request as JSON and returns status, headers and parsed body. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  /** The same POST through a chosen door: `fast` as is, `yoga` with `"extensions": {}`, which the fast path leaves to graphql-yoga. */
  queryVia(door: Door, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

/** The two ways into the executor (docs/architecture.md): every request-level rule must hold on both. */
export type Door = 'fast' | 'yoga';
export const DOORS: readonly Door[] = ['fast', 'yoga'];

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

/** Starts a real gateway on 127.0.0.1:0 with its logs captured in memory. */
export async function startGateway(options: GatewayOptions): Promise<TestGateway> {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const gateway = await createGateway({ logger: createLogger({ level: 'info', destination }), ...options });
  const { url } = await gateway.listen({ port: 0, host: '127.0.0.1' });
  return {
    gateway,
    url,
    logs,
    query: (query, variables, headers = {}) => post(url, { query, variables }, headers),
    queryVia: (door, query, variables, headers = {}) => post(url, door === 'yoga' ? { query, variables, extensions: {} } : { query, variables }, headers),
    close: () => gateway.close(),
  };
}

async function post(url: string, body: Record<string, unknown>, headers: Record<string, string>): Promise<GraphQLResponse> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
}

export interface TestDemo extends TestGateway {
  upstreams: DemoUpstreams;
}

/** The embedded demo exactly as `npm start` runs it: demo upstreams + the repo's own config. */
export async function startDemo(options: Partial<GatewayOptions> = {}): Promise<TestDemo> {
  const upstreams = await startDemoUpstreams();
  const gw = await startGateway({ configDir: REPO_ROOT, env: upstreams.env, dev: true, ...options });
  return {
    ...gw,
    upstreams,
    async close() {
      await gw.close();
      await upstreams.close();
    },
  };
}

/** Writes a throwaway config folder (schemas/ + connectors/) and returns its path. */
export async function writeConfigDir(files: { schemas?: Record<string, string>; connectors?: Record<string, string> }): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-config-'));
  await mkdir(path.join(dir, 'schemas'));
  await mkdir(path.join(dir, 'connectors'));
  for (const [name, text] of Object.entries(files.schemas ?? {})) await writeFile(path.join(dir, 'schemas', name), text);
  for (const [name, text] of Object.entries(files.connectors ?? {})) await writeFile(path.join(dir, 'connectors', name), text);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
