import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGateway } from '../../index.ts';
import { startDemoUpstreams } from '../../demo/upstreams.ts';
import { closeOnSignal, listenOrClose } from './serve.ts';

/** The repository root: the demo serves the config shipped in ./schemas and ./connectors. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** `tessera demo`: starts the four demo upstreams on loopback and the gateway on them, GraphiQL on. */
export async function runDemo(): Promise<number> {
  const delayMs = Number(process.env.DEMO_DELAY_MS ?? 0);
  const upstreams = await startDemoUpstreams({ delayMs });
  const gateway = await createGateway({ configDir: REPO_ROOT, env: { ...process.env, ...upstreams.env }, dev: true }).catch(async (error: unknown) => {
    await upstreams.close();
    throw error;
  });
  gateway.logger.debug({ upstreams: upstreams.urls }, 'demo upstreams started');
  const { url } = await listenOrClose(gateway, 'npm start', () => upstreams.close());
  gateway.logger.info({ graphiql: `${url}/graphql`, upstreams: upstreams.urls }, 'tessera demo listening');
  process.stdout.write(`Tessera demo: GraphiQL at ${url}/graphql (Ctrl-C to stop)\n`);
  return closeOnSignal(gateway, () => upstreams.close());
}
