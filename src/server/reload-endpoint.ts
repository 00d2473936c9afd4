import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReloadOutcome } from './reload.ts';
import { adminAuthorizer } from './admin-auth.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `POST /admin/reload` with `Authorization: Bearer <reload.adminToken>`: reloads now and answers
 * with the outcome (200 ok/unchanged, 422 refused with the errors). Without a token configured
 * the path does not exist (404), so an unprotected reload endpoint cannot be left open by mistake.
 */
export function createReloadEndpoint(token: string, reload: () => Promise<ReloadOutcome>): (req: IncomingMessage, res: ServerResponse, requestId: string) => void {
  const authorized = adminAuthorizer(token);
  return (req, res, requestId) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'x-request-id': requestId, ...headers, 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    if (req.method !== 'POST') return send(405, { error: 'Use POST.' }, { allow: 'POST' });
    if (!authorized(req)) {
      return send(401, { error: 'A valid Authorization: Bearer token is required.' }, { 'www-authenticate': 'Bearer' });
    }
    req.resume();
    reload().then(
      (outcome) => send(outcome.result === 'failed' ? 422 : 200, outcome),
      () => send(500, { error: 'Reload failed unexpectedly.' }),
    );
  };
}
