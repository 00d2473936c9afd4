import { createServer, type Server } from 'node:http';

/** One request the ceiling knows: the body a client posts, and the answer's exact bytes. */
export interface CeilingEntry {
  body: string;
  answer: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The parts of a GraphQL POST body that choose the answer. */
interface GraphQLBody {
  query?: unknown;
  variables?: unknown;
}

/**
 * The ceiling: the least a Node.js server can do to answer a scenario's requests — read the POST,
 * parse its JSON, find the prebuilt answer, write it — with no upstream calls at all. The body is
 * parsed with `JSON.parse` and the answer chosen by the parsed query and variables (not by the
 * raw text) on purpose: any real server must parse the request to know what it is asked, so the
 * ceiling pays that and nothing else. No GraphQL, no planning, no shaping, no logging, no
 * upstreams: RPS above it is not possible for a server on this core, whatever it caches or
 * shares. `POST` anywhere (the load posts to `/graphql`, as to the gateway); an unknown request
 * gets 404, a body that is not JSON 400.
 */
export async function startCeilingServer(entries: readonly CeilingEntry[]): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  // Per query text, per variables (serialised as the parsed body gives them back): the answer's bytes.
  const answers = new Map<string, Map<string, Buffer>>();
  for (const entry of entries) {
    const { query, variables } = JSON.parse(entry.body) as GraphQLBody;
    const byQuery = answers.get(String(query)) ?? new Map<string, Buffer>();
    answers.set(String(query), byQuery);
    byQuery.set(JSON.stringify(variables ?? null), Buffer.from(entry.answer, 'utf8'));
  }
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: GraphQLBody;
      try {
        body = JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')) as GraphQLBody;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const answer = answers.get(String(body.query))?.get(JSON.stringify(body.variables ?? null));
      if (!answer) {
        res.writeHead(404).end();
        return;
      }
      // The gateway's content type and a length, in the raw array form the gateway writes them in too.
      res.writeHead(200, ['content-type', JSON_TYPE, 'content-length', String(answer.length)]);
      res.end(answer);
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
    },
  };
}
