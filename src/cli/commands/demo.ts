import { randomBytes } from 'node:crypto';
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
  // The operator's console is on in the demo, behind a token made for this run (printed below)
  // unless TESSERA_CONSOLE_TOKEN gives one that survives restarts.
  const consoleToken = process.env.TESSERA_CONSOLE_TOKEN || randomBytes(18).toString('base64url');
  const gateway = await createGateway({ configDir: REPO_ROOT, env: { ...process.env, ...upstreams.env }, dev: true, console: { enabled: true, adminToken: consoleToken } }).catch(async (error: unknown) => {
    await upstreams.close();
    throw error;
  });
  gateway.logger.debug({ upstreams: upstreams.urls }, 'demo upstreams started');
  const { url } = await listenOrClose(gateway, 'npm start', () => upstreams.close());
  gateway.logger.info({ graphiql: `${url}/graphql`, upstreams: upstreams.urls }, 'tessera demo listening');
  process.stdout.write(`Tessera demo: GraphiQL at ${url}/graphql (Ctrl-C to stop)\n`);
  process.stdout.write(`Operator console: ${url}/console?token=${consoleToken}\n`);
  return closeOnSignal(gateway, () => upstreams.close());
}
