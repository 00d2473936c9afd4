import { Pool } from 'undici';

/** GETs JSON from one upstream over a keep-alive undici Pool. */
export interface UpstreamClient {
  getJson(path: string): Promise<unknown>;
  close(): Promise<void>;
}

/** One Pool per upstream origin, the way undici recommends for a fixed set of services. */
export function createUpstreamClient(origin: string): UpstreamClient {
  const pool = new Pool(origin, { connections: 128, keepAliveTimeout: 30_000 });
  return {
    async getJson(path) {
      const response = await pool.request({ path, method: 'GET', headers: { accept: 'application/json' } });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new Error(`${origin}${path} answered HTTP ${response.statusCode}`);
      }
      return response.body.json();
    },
    close: () => pool.close(),
  };
}
