import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'tessera_console';

/**
 * The console's credential: `Authorization: Bearer <token>` (scripts), or the session cookie a
 * browser gets from `/console?token=<token>`. The cookie holds an HMAC of the token, not the token,
 * so a copied cookie opens the console but not `POST /admin/reload`. Every comparison is of
 * SHA-256 digests in constant time: neither the token nor its length leaks through timing.
 */
export class AdminCredential {
  readonly #token: Buffer;
  readonly #session: string;
  readonly #sessionDigest: Buffer;

  constructor(token: string) {
    this.#token = digest(token);
    this.#session = createHmac('sha256', token).update('tessera console session').digest('base64url');
    this.#sessionDigest = digest(this.#session);
  }

  /** Whether the request carries the credential, by header or by cookie. */
  admits(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    if (typeof header === 'string' && header.startsWith('Bearer ')) return this.isToken(header.slice(7));
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    return cookie !== undefined && timingSafeEqual(digest(cookie), this.#sessionDigest);
  }

  isToken(given: string): boolean {
    return timingSafeEqual(digest(given), this.#token);
  }

  /** The Set-Cookie value of a browser session: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
  sessionCookie(): string {
    return `${SESSION_COOKIE}=${this.#session}; Path=/; HttpOnly; SameSite=Strict`;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
