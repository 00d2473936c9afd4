import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The operator endpoints' check (`/admin/reload`, `/admin/usage`): `Authorization: Bearer <token>`
 * against the configured admin token. Digests of equal length are compared in constant time, so
 * neither the token nor its length leaks.
 */
export function adminAuthorizer(token: string): (req: IncomingMessage) => boolean {
  const expected = digest(token);
  return (req) => {
    const header = req.headers.authorization;
    const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
