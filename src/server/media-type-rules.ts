import { ErrorCodes } from '../errors/codes.ts';

/** A request refused before either door: status and GraphQL-style JSON body. */
export interface MediaTypeRefusal {
  status: 406 | 415;
  body: { errors: [{ message: string; extensions: { code: string } }] };
}

/**
 * The request body types read: JSON only. A browser may send `text/plain`, a form or
 * multipart cross-site without a CORS preflight ("simple requests"); refusing them means no web
 * page can make a visitor's browser post a query here unless CORS (gateway.yaml) lets it.
 * graphql-yoga would read `application/graphql+json`, `application/graphql`, forms and
 * multipart too: they are refused here, before either door.
 */
const READABLE_BODY_TYPES = new Set(['application/json', 'application/graphql-response+json']);
const OTHER_TYPES = [...READABLE_BODY_TYPES].filter((type) => type !== 'application/json').join(', ');

/**
 * The media-type rules of `/graphql`, checked once before the fork so both doors answer alike:
 * a POST must say its body is something yoga reads (415 otherwise, instead of yoga's "Must
 * provide query string" with 200), and a browser GET (Accept: text/html) outside dev mode gets
 * a 406 that says how to turn GraphiQL on, instead of an empty one.
 */
export function refuseMediaType(method: string | undefined, contentType: string | undefined, accept: string | undefined, dev: boolean): MediaTypeRefusal | undefined {
  if (method === 'POST') {
    if (contentType === 'application/json') return undefined; // the hot path, without parsing
    if (contentType === undefined || contentType.trim() === '') {
      return refusal(415, ErrorCodes.REQUEST_UNSUPPORTED_MEDIA_TYPE, `A POST to /graphql needs a Content-Type header: send the request as JSON with Content-Type: application/json.`);
    }
    // Parameters go; so does anything after a comma (not valid HTTP, but yoga reads the first type).
    const mediaType = contentType.split(';', 1)[0]!.split(',', 1)[0]!.trim().toLowerCase();
    if (READABLE_BODY_TYPES.has(mediaType)) return undefined;
    return refusal(
      415,
      ErrorCodes.REQUEST_UNSUPPORTED_MEDIA_TYPE,
      `Content-Type ${JSON.stringify(mediaType)} is not supported: send the request as JSON with Content-Type: application/json (also accepted: ${OTHER_TYPES}).`,
    );
  }
  if (method === 'GET' && !dev && accept !== undefined && accept.includes('text/html')) {
    return refusal(
      406,
      ErrorCodes.REQUEST_GRAPHIQL_DISABLED,
      'GraphiQL is served only in dev mode: start the gateway with TESSERA_DEV=1 (tessera serve) or run tessera demo. Clients get JSON with Accept: application/json or application/graphql-response+json.',
    );
  }
  return undefined;
}

function refusal(status: 406 | 415, code: string, message: string): MediaTypeRefusal {
  return { status, body: { errors: [{ message, extensions: { code } }] } };
}
