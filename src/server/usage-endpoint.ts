import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { FieldUsage } from '../observability/field-usage.ts';
import { adminAuthorizer } from './admin-auth.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `GET /admin/usage` (the window so far) and `POST /admin/usage/reset` (the window so far, then a
 * new one), with `Authorization: Bearer <reload.adminToken>` like `/admin/reload`. Without a
 * token configured the paths do not exist (404).
 */
export function createUsageEndpoint(token: string, usage: FieldUsage, schema: () => GraphQLSchema): (req: IncomingMessage, res: ServerResponse, requestId: string, pathname: string) => void {
  const authorized = adminAuthorizer(token);
  return (req, res, requestId, pathname) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'x-request-id': requestId, ...headers, 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    const reset = pathname === '/admin/usage/reset';
    const method = reset ? 'POST' : 'GET';
    if (req.method !== method) return send(405, { error: `Use ${method}.` }, { allow: method });
    if (!authorized(req)) return send(401, { error: 'A valid Authorization: Bearer token is required.' }, { 'www-authenticate': 'Bearer' });
    req.resume();
    send(200, usage.report(schema(), reset));
  };
}
