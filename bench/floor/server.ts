import { createServer, type Server } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import type { UpstreamGet } from '../scenarios/index.ts';

const ACCEPT_JSON = ['accept', 'application/json'];

/** Collects one answer's body and parses it; the floor trusts its upstreams, so no status checks. */
class JsonBody implements Dispatcher.DispatchHandler {
  readonly #resolve: (body: unknown) => void;
  readonly #reject: (error: Error) => void;
  readonly #chunks: Buffer[] = [];

  constructor(resolve: (body: unknown) => void, reject: (error: Error) => void) {
    this.#resolve = resolve;
    this.#reject = reject;
  }

  // undici requires every one of these methods, even empty.
  onRequestStart(): void {}

  onResponseStart(): void {}

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    const chunks = this.#chunks;
    this.#resolve(JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')));
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.#reject(error);
  }
}

/**
 * The floor: what any Node.js server pays to serve a scenario — read the POST, parse its JSON,
 * make the scenario's ideal upstream calls over undici keep-alive pools (level by level, each
 * answer parsed), write a known answer. No GraphQL, no planning, no shaping, no logging. The
 * gateway cannot spend less CPU than this on the same calls on the same machine (it can wait
 * less, where it sends a later level's calls early: see docs/architecture.md); `POST /<scenario
 * name>/<variant index>`.
 */
export async function startFloorServer(
  urls: Record<UpstreamGet['service'], string>,
  scenarios: Record<string, readonly { levels: readonly (readonly UpstreamGet[])[]; answer: string }[]>,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const pools = Object.fromEntries(Object.entries(urls).map(([name, url]) => [name, new Pool(url, { connections: 128, keepAliveTimeout: 30_000 })])) as Record<
    UpstreamGet['service'],
    Pool
  >;
  // undici's dispatch API with a handler that collects the body: the cheapest way undici offers
  // (no Readable stream per answer), and the one the gateway's HTTP transport uses.
  const get = (call: UpstreamGet): Promise<unknown> =>
    new Promise((resolve, reject) => {
      pools[call.service].dispatch({ path: call.path, method: 'GET', headers: ACCEPT_JSON }, new JsonBody(resolve, reject));
    });
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const [, name, index] = (req.url ?? '/').split('/');
      const scenario = scenarios[name ?? '']?.[Number(index)];
      if (!scenario) {
        res.writeHead(404).end();
        return;
      }
      for (const level of scenario.levels) await Promise.all(level.map(get));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(scenario.answer) });
      res.end(scenario.answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(Object.values(pools).map((p) => p.close()));
    },
  };
}
