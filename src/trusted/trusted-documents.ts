import { GraphQLError } from 'graphql';
import { ErrorCodes } from '../errors/codes.ts';
import type { SourceLocation } from '../errors/gateway-error.ts';

/** How a caller's documents are checked against the manifests. */
export type TrustedMode = 'off' | 'allow-unlisted' | 'enforce';
export const TRUSTED_MODES: readonly TrustedMode[] = ['off', 'allow-unlisted', 'enforce'];

/** One persisted operation of a manifest. */
export interface TrustedDocument {
  id: string;
  body: string;
  /** The operation's name as the manifest gives it (Apollo), for messages. */
  name: string | undefined;
  /** Where the manifest has it, for `tessera validate`'s messages. */
  source: SourceLocation;
}

/** gateway.yaml's `trustedDocuments:` as written (manifests not yet read). */
export interface TrustedDocumentsConfig {
  mode: TrustedMode;
  manifests: string[];
  callers: Record<string, TrustedMode>;
}

/** The part of a request's parameters trusted documents look at. */
export interface PersistedParams {
  query?: unknown;
  extensions?: unknown;
  documentId?: unknown;
}

/** The document text a request runs (undefined: it sent none), or why it may not run. */
export type TrustedOutcome = { query: unknown; refusal?: undefined } | { refusal: GraphQLError };

/**
 * The persisted operations of every manifest, by id (an Apollo manifest's `id`, a Relay map's
 * key: both usually the sha256 of the body), and each caller's mode.
 *
 * - `off`: ids are not looked up; a request with only an id is refused (PERSISTED_QUERY_NOT_SUPPORTED).
 * - `allow-unlisted`: an id is looked up (unknown and no text: PERSISTED_QUERY_NOT_FOUND); any text runs.
 * - `enforce`: only manifest documents run, by id or as their exact text (else PERSISTED_QUERY_REQUIRED).
 */
export class TrustedDocuments {
  readonly #byId: ReadonlyMap<string, TrustedDocument>;
  readonly #bodies: ReadonlySet<string>;
  readonly #mode: TrustedMode;
  readonly #callers: ReadonlyMap<string, TrustedMode>;

  constructor(documents: readonly TrustedDocument[], mode: TrustedMode, callers: Record<string, TrustedMode>) {
    this.#byId = new Map(documents.map((d) => [d.id, d]));
    this.#bodies = new Set(documents.map((d) => d.body));
    this.#mode = mode;
    this.#callers = new Map(Object.entries(callers));
  }

  get size(): number {
    return this.#byId.size;
  }

  modeFor(callerId: string | undefined): TrustedMode {
    return callerId === undefined ? this.#mode : (this.#callers.get(callerId) ?? this.#mode);
  }

  /** Decides which text a request runs: its own, a manifest's, or none (refused). */
  resolve(callerId: string | undefined, params: PersistedParams): TrustedOutcome {
    const mode = this.modeFor(callerId);
    const id = idOf(params);
    const query = params.query;
    if (id === undefined) {
      if (mode !== 'enforce' || (typeof query === 'string' && this.#bodies.has(query))) return { query };
      return { refusal: refused(ErrorCodes.PERSISTED_QUERY_REQUIRED, 'This caller may only run trusted documents: send the id of a document in the manifest (extensions.persistedQuery.sha256Hash or documentId).') };
    }
    if (mode === 'off') {
      if (typeof query === 'string') return { query };
      return { refusal: refused(ErrorCodes.PERSISTED_QUERY_NOT_SUPPORTED, 'PersistedQueryNotSupported') };
    }
    const found = this.#byId.get(id) ?? (id.startsWith('sha256:') ? this.#byId.get(id.slice(7)) : undefined);
    if (found) return { query: found.body };
    if (mode === 'allow-unlisted' && typeof query === 'string') return { query };
    return { refusal: refused(ErrorCodes.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound') };
  }
}

/** `documentId`, else `extensions.persistedQuery.sha256Hash`. */
function idOf(params: PersistedParams): string | undefined {
  if (typeof params.documentId === 'string') return params.documentId;
  const extensions = params.extensions;
  if (extensions === null || typeof extensions !== 'object') return undefined;
  const persisted = (extensions as Record<string, unknown>).persistedQuery;
  if (persisted === null || typeof persisted !== 'object') return undefined;
  const hash = (persisted as Record<string, unknown>).sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function refused(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
