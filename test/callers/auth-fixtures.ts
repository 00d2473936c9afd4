import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

export const ISSUER = 'https://issuer.test/';
export const AUDIENCE = 'tessera';

export const USERS_SCHEMA = `
type Query {
  users(ids: [ID!]!): [User] @source(connector: "accounts", operation: "getUsers", keys: "{args.ids}")
}
type User { id: ID! name: String }
`;

export const ACCOUNTS_YAML = `
baseUrl: \${ACCOUNTS_URL}
operations:
  getUsers:
    path: /users
    query: { ids: "{keys}" }
    batch: { maxSize: 10, keyField: id }
    result: items
  getPayslips:
    path: /payslips
    query: { ids: "{keys}" }
    batch: { maxSize: 10, keyField: id }
    result: items
`;

/** An RS256 signing key with its public JWK (kid set). */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A token as an issuer would sign it; `claims` override the defaults (iss, aud, sub, exp in 5 min). */
export async function token(key: SigningKey, claims: JWTPayload & { noExp?: boolean } = {}, alg = 'RS256'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { noExp, ...rest } = claims;
  const payload: JWTPayload = { iss: ISSUER, aud: AUDIENCE, sub: 'svc-orders', iat: now, ...(noExp ? {} : { exp: now + 300 }), ...rest };
  return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid }).sign(key.privateKey);
}

/** An HS256 token signed with a shared secret. */
export async function secretToken(secret: string, claims: JWTPayload = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'svc-batch', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));
}

/** A real HTTP server on 127.0.0.1 serving a JWKS that the test can change, counting fetches. */
export interface JwksServer {
  url: string;
  fetches: number;
  keys: JWK[];
  /** Answer 500 from now on (the issuer is down). */
  down: boolean;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const state = { fetches: 0, keys, down: false };
  const server: Server = createServer((_req, res) => {
    state.fetches += 1;
    if (state.down) {
      res.writeHead(500).end();
      return;
    }
    const text = JSON.stringify({ keys: state.keys });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as JwksServer;
}

/** A users upstream counting its calls, and a gateway on it with the given callers.yaml (and extra files). */
export interface AuthRig {
  upstream: FakeUpstream;
  gw: TestGateway;
  dir: string;
  close(): Promise<void>;
}

export async function startAuthRig(callersYaml: string | undefined, files: Record<string, string> = {}, schema = USERS_SCHEMA, options: { dev?: boolean } = {}): Promise<AuthRig> {
  const upstream = await startFakeUpstream((call, res) =>
    json(res, 200, { items: call.url.searchParams.get('ids')!.split(',').map((id) => ({ id, name: `User ${id}`, email: `user${id}@example.com`, phone: `+1555000${id}`, salary: 1000, secretNote: 'note', amount: 100 })) }),
  );
  const config = await writeConfigDir({ schemas: { 'app.graphql': schema }, connectors: { 'accounts.yaml': ACCOUNTS_YAML } });
  if (callersYaml !== undefined) await writeFile(path.join(config.dir, 'callers.yaml'), callersYaml);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(config.dir, name), text);
  const gw = await startGateway({ configDir: config.dir, env: { ACCOUNTS_URL: upstream.url }, ...options });
  return {
    upstream,
    gw,
    dir: config.dir,
    async close() {
      await gw.close();
      await upstream.close();
      await config.remove();
    },
  };
}
