import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startFakeUpstream, json, type FakeUpstream } from '../support/fake-upstream.ts';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import type { GatewayOptions } from '../../src/index.ts';

/** A small schema whose fields nest without end (`best`), lists by ids, and a list with no size argument (`pets`). */
export const FRONT_DOOR_SCHEMA = `
type Query {
  user(id: ID!): User @source(connector: "accounts", operation: "getUsers", key: "{args.id}")
  users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}")
}

type User {
  id: ID!
  name: String
  email: String
  pets: [Pet]
  best: User @source(connector: "accounts", operation: "getUsers", key: "{parent.id}")
}

type Pet {
  name: String
}
`;

const ACCOUNTS = `
baseUrl: \${ACCOUNTS_URL}
operations:
  getUsers:
    path: /users
    query: { ids: "{keys}" }
    batch: { maxSize: 100, keyField: id }
    result: items
`;

export interface FrontDoorRig {
  gw: TestGateway;
  upstream: FakeUpstream;
  dir: string;
  close(): Promise<void>;
}

/** A gateway on FRONT_DOOR_SCHEMA with the given gateway.yaml (and extra files beside it), and its one upstream. */
export async function startFrontDoor(gatewayYaml: string, files: Record<string, string> = {}, options: Partial<GatewayOptions> = {}): Promise<FrontDoorRig> {
  const upstream = await startFakeUpstream((call, res) => {
    const ids = (call.url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    json(res, 200, { items: ids.map((id) => ({ id, name: `User ${id}`, email: `u${id}@example.com`, pets: [{ name: 'Rex' }] })) });
  });
  const config = await writeConfigDir({ schemas: { 'api.graphql': FRONT_DOOR_SCHEMA }, connectors: { 'accounts.yaml': ACCOUNTS } });
  await writeFile(path.join(config.dir, 'gateway.yaml'), gatewayYaml);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(config.dir, name)), { recursive: true });
    await writeFile(path.join(config.dir, name), text);
  }
  const gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: upstream.url }, ...options });
  return {
    gw,
    upstream,
    dir: config.dir,
    async close() {
      await gw.close();
      await upstream.close();
      await config.remove();
    },
  };
}
