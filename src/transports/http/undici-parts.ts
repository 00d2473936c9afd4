import { createRequire } from 'node:module';
import type * as Undici from 'undici';

/**
 * The two parts of undici the HTTP transport uses, loaded from their own modules instead of
 * undici's index, which also loads fetch, WebSocket, EventSource, its cache stores, mock agents
 * and more: ~10 MB of RSS in every gateway process for code it never runs. undici has no
 * `exports` map, so these files are reachable; `test/transports/undici-parts.test.ts` checks
 * that they are the very objects undici's index exports, so an upgrade that moves them fails
 * there and not in production.
 */
const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export type Agent = Undici.Agent;
export const undiciErrors = require('undici/lib/core/errors.js') as typeof Undici.errors;
