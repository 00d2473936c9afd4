import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { isRefusal, type AuthOutcome } from '../callers/authenticator.ts';
import type { Blueprint } from '../blueprint/index.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { describePlan, explainOperation, printPlan } from '../plan/index.ts';
import { readRequestBody } from '../server/body-reader.ts';
import { AdminCredential } from './admin-credential.ts';
import { callersReport } from './callers-report.ts';
import type { ConfigReport } from './config-report.ts';
import { connectorsReport, type ConnectorInfo } from './connectors-report.ts';
import { consolePage, type ConsolePage } from './console-page.ts';
import type { UsageReport } from '../observability/field-usage.ts';
import { histogramBounds, readTrafficSnapshot } from './traffic-snapshot.ts';
import { TrafficWindow } from './traffic-window.ts';

/** What the console reads of the gateway, at each request (the config served may change on reload). */
export interface ConsoleSources {
  metrics: GatewayMetrics;
  connectors(): ConnectorInfo[];
  config(): ConfigReport;
  blueprint(): Blueprint;
  /** Which fields each caller requested since start or the last `POST /admin/usage/reset`, and the unused ones. */
  usage(): UsageReport;
  /** callers.yaml's authentication of the config served (undefined while it is off). */
  authenticate?(headers: IncomingHttpHeaders): AuthOutcome | Promise<AuthOutcome> | undefined;
}

export interface OperatorConsole {
  /** Serves a path `isConsolePath` accepted. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string, requestId: string): void;
  close(): void;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_EXPLAIN_BODY_BYTES = 262_144; // 256 KiB: a pasted operation, never a bulk upload
/** Nothing the console answers may be cached or framed, and the page runs only its own script. */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
};

/** `/console`, its assets, and the admin JSON API under `/admin/api/`. */
export function isConsolePath(pathname: string): boolean {
  return pathname === '/console' || pathname.startsWith('/console/') || pathname.startsWith('/admin/api/');
}

/**
 * The operator's console: a page and the admin JSON API it reads, both behind the admin
 * credential (401 without it, whatever the path: the list of paths itself is not public).
 */
export function createOperatorConsole(adminToken: string, sources: ConsoleSources, page: ConsolePage = consolePage(), operatorScope?: string): OperatorConsole {
  const credential = new AdminCredential(adminToken);
  /** A caller callers.yaml verified (API key or JWT, never `anonymous`) that holds the operator scope. */
  const isOperator = async (headers: IncomingHttpHeaders): Promise<boolean> => {
    if (!operatorScope || !sources.authenticate || (headers['x-api-key'] === undefined && headers.authorization === undefined)) return false;
    const outcome = await sources.authenticate(headers);
    return outcome !== undefined && !isRefusal(outcome) && outcome.via !== 'anonymous' && outcome.scopes.has(operatorScope);
  };
  const window = new TrafficWindow((at) => readTrafficSnapshot(sources.metrics, at));
  const bounds = histogramBounds(sources.metrics);

  const api: Record<string, (req: IncomingMessage) => Promise<{ status: number; body: unknown }>> = {
    'GET /admin/api/connectors': async () => ({ status: 200, body: connectorsReport(await window.snapshots(), bounds, sources.connectors()) }),
    'GET /admin/api/callers': async () => ({ status: 200, body: callersReport(await window.snapshots()) }),
    'GET /admin/api/config': () => Promise.resolve({ status: 200, body: sources.config() }),
    'GET /admin/api/usage': () => Promise.resolve({ status: 200, body: sources.usage() }),
    'POST /admin/api/explain': (req) => explain(req, sources.blueprint()),
  };

  return {
    handle(req, res, pathname, requestId) {
      const url = new URL(req.url ?? '/', 'http://console');
      const token = url.searchParams.get('token');
      // A browser's way in: /console?token=… sets the session cookie and drops the token from the address bar.
      if (pathname === '/console' && token !== null && credential.isToken(token)) {
        res.writeHead(303, { ...SECURITY_HEADERS, 'x-request-id': requestId, location: '/console', 'set-cookie': credential.sessionCookie(), 'content-length': '0' });
        return void res.end();
      }
      const refuse = () =>
        sendJson(res, requestId, 401, { error: { code: ErrorCodes.REQUEST_ADMIN_UNAUTHORIZED, message: 'The operator console needs the admin credential: Authorization: Bearer <token>, or open /console?token=<token> once.' } }, { 'www-authenticate': 'Bearer' });
      const serve = () => {
        if (pathname.startsWith('/console')) return servePage(page, req, res, pathname, requestId);
        const route = api[`${req.method ?? 'GET'} ${pathname}`];
        if (!route) {
          const known = Object.keys(api).find((key) => key.endsWith(` ${pathname}`));
          if (known) return sendJson(res, requestId, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `Use ${known.split(' ')[0]}.` } }, { allow: known.split(' ')[0]! });
          return sendJson(res, requestId, 404, { error: { code: 'NOT_FOUND', message: `No admin API at ${pathname}; see docs/config.md.` } });
        }
        route(req).then(
          ({ status, body }) => sendJson(res, requestId, status, body),
          () => sendJson(res, requestId, 500, { error: { code: ErrorCodes.INTERNAL_SERVER_ERROR, message: 'Unexpected error.' } }),
        );
      };
      if (credential.admits(req)) return serve();
      isOperator(req.headers).then(
        (operator) => (operator ? serve() : refuse()),
        () => refuse(),
      );
    },
    close: () => window.close(),
  };
}

/** `POST /admin/api/explain` `{ query, operationName?, variables? }`: the plan, as `tessera explain` prints it and as JSON. */
async function explain(req: IncomingMessage, blueprint: Blueprint): Promise<{ status: number; body: unknown }> {
  const invalid = (message: string) => ({ status: 400, body: { error: { code: ErrorCodes.REQUEST_INVALID, message } } });
  // The gateway's one body reader: limits hold while the body streams, compressed or not.
  const read = await readRequestBody(req, MAX_EXPLAIN_BODY_BYTES);
  if ('aborted' in read) return invalid('The request body was cut off.');
  if ('refusal' in read) return { status: read.refusal.status, body: { error: { code: read.refusal.code, message: read.refusal.message } } };
  let body: unknown;
  try {
    body = JSON.parse(read.body.toString('utf8'));
  } catch {
    return invalid('The body must be JSON: { "query": "…", "operationName"?: "…", "variables"?: { … } }.');
  }
  const { query, operationName, variables } = (body ?? {}) as Record<string, unknown>;
  if (typeof query !== 'string') return invalid('"query" must be a string holding a GraphQL operation.');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return invalid('"operationName" must be a string.');
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return invalid('"variables" must be a JSON object.');
  const explained = explainOperation(blueprint, query, { operationName: operationName ?? undefined, variables: (variables ?? undefined) as Record<string, unknown> | undefined });
  if ('problems' in explained) return { status: 422, body: { problems: explained.problems } };
  return { status: 200, body: { text: printPlan(explained.plan), plan: describePlan(explained.plan) } };
}

function servePage(page: ConsolePage, req: IncomingMessage, res: ServerResponse, pathname: string, requestId: string): void {
  const asset = page.assets.get(pathname === '/console/' ? '/console' : pathname);
  if (!asset) return sendJson(res, requestId, 404, { error: { code: 'NOT_FOUND', message: `No console file at ${pathname}.` } });
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, requestId, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Use GET.' } }, { allow: 'GET, HEAD' });
  res.writeHead(200, { ...SECURITY_HEADERS, 'x-request-id': requestId, 'content-type': asset.type, 'content-length': String(asset.body.length) });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
}

function sendJson(res: ServerResponse, requestId: string, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'x-request-id': requestId, ...headers, 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
