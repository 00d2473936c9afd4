import type { IncomingHttpHeaders } from 'node:http';

/** What a browser script may send to /graphql from a listed origin. */
const ALLOWED_METHODS = 'GET, POST';
const ALLOWED_HEADERS = 'content-type, accept, authorization, x-api-key, x-request-id, x-tessera-timeout-ms';
const EXPOSED_HEADERS = 'x-request-id';

/**
 * CORS for /graphql, decided before either door so both answer alike (yoga's own CORS is off: by
 * default it reflects any Origin with `Access-Control-Allow-Credentials: true`). Off unless
 * gateway.yaml lists origins. A listed origin is echoed back exactly; credentials (cookies) are
 * never allowed: callers authenticate with a header, which a page must set itself.
 */
export class CorsPolicy {
  readonly #origins: ReadonlySet<string>;
  readonly #maxAge: string;

  constructor(settings: { origins: readonly string[]; maxAgeSec: number }) {
    this.#origins = new Set(settings.origins);
    this.#maxAge = String(settings.maxAgeSec);
  }

  /** The headers an answer to this request carries: none unless its Origin is listed. */
  responseHeaders(headers: IncomingHttpHeaders): Record<string, string> | undefined {
    const origin = headers.origin;
    if (origin === undefined || !this.#origins.has(origin)) return undefined;
    return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS, vary: 'Origin' };
  }

  /** The answer to a preflight (OPTIONS): 204, with the grants only for a listed origin. */
  preflight(headers: IncomingHttpHeaders): Record<string, string> {
    const allowed = this.responseHeaders(headers);
    if (!allowed) return { vary: 'Origin' };
    return { ...allowed, 'access-control-allow-methods': ALLOWED_METHODS, 'access-control-allow-headers': ALLOWED_HEADERS, 'access-control-max-age': this.#maxAge };
  }
}
