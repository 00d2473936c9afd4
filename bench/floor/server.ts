import { createServer, type Server } from 'node:http';
import { Pool } from 'undici';
import type { UpstreamGet } from '../scenarios/index.ts';

/**
 * The floor: what any Node.js server pays to serve a scenario — read the POST, parse its JSON,
 * make the scenario's ideal upstream calls over undici keep-alive pools (level by level, each
 * answer parsed), write a known answer. No GraphQL, no planning, no shaping, no logging. The
 * gateway cannot be faster than this on the same machine; `POST /<scenario name>`.
 */
export async function startFloorServer(
  urls: Record<UpstreamGet['service'], string>,
  scenarios: Record<string, { levels: readonly (readonly UpstreamGet[])[]; answer: string }>,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const pools = Object.fromEntries(Object.entries(urls).map(([name, url]) => [name, new Pool(url, { connections: 128, keepAliveTimeout: 30_000 })])) as Record<
    UpstreamGet['service'],
    Pool
  >;
  const get = async (call: UpstreamGet): Promise<unknown> => {
    const response = await pools[call.service].request({ path: call.path, method: 'GET', headers: { accept: 'application/json' } });
    return response.body.json();
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const scenario = scenarios[(req.url ?? '/').slice(1)];
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
