import { renderBody, renderTemplate, KEYS_REF, type CompiledOperation } from '../blueprint/index.ts';
import type { UpstreamRequest } from '../transports/transport.ts';
import { RequestError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { CompositeKey } from '../util/composite-key.ts';

/** Params of one call: declared param name → value (already resolved from args and parent). */
export type ParamValues = Readonly<Record<string, unknown>>;

/**
 * Renders one upstream request. Every value interpolated into the path is percent-encoded as a
 * single segment, so an id like `../../admin` or `a/b?x=1` can never change the upstream path;
 * query values go through URLSearchParams encoding.
 */
export function renderRequest(
  op: CompiledOperation,
  params: ParamValues,
  keys: readonly unknown[] | undefined,
  headers: Readonly<Record<string, string>>,
): UpstreamRequest {
  // Another transport's operation renders its own call (transports/rpc/render-rpc-request.ts).
  if (op.render !== undefined) return op.render(params, keys, headers);
  const resolve = (ref: { path: readonly string[] }): unknown => {
    const name = ref.path[0]!;
    return name === KEYS_REF && op.batch ? keys : params[name];
  };
  const path = renderPath(op, resolve);
  let query = '';
  for (const [name, template] of op.query) {
    const value = renderTemplate(template, resolve);
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      const texts = op.batch?.keyFields !== undefined && template.whole?.path[0] === KEYS_REF ? value.map((key) => keyText(op, key)) : value.map(String);
      if (template.whole?.path[0] === KEYS_REF && op.batch?.keyStyle === 'repeat') {
        for (const item of texts) query = withQueryParam(query, name, item);
      } else {
        query = withQueryParam(query, name, texts.join(','));
      }
    } else {
      query = withQueryParam(query, name, String(value));
    }
  }
  const allHeaders: Record<string, string> = { ...headers };
  for (const [name, template] of op.headers) {
    const value = renderTemplate(template, resolve);
    if (value !== null && value !== undefined) allHeaders[name] = String(value);
  }
  return {
    connector: op.connector,
    operation: op.name,
    method: op.method,
    origin: op.origin,
    path: op.basePath + path + query,
    headers: allHeaders,
    body: op.body === undefined ? undefined : JSON.stringify(renderBody(op.body, resolve)),
    timeoutMs: op.timeoutMs,
    policy: op.policy,
  };
}

/** `query` (empty, or `?a=1…`) with `name=value` appended, form-encoded. */
function withQueryParam(query: string, name: string, value: string): string {
  return `${query ? `${query}&` : '?'}${formEncode(name)}=${formEncode(value)}`;
}

/** Characters application/x-www-form-urlencoded leaves as they are (WHATWG URL, urlencoded serializer). */
const FORM_SAFE = /^[A-Za-z0-9*\-._]*$/;
const FORM_EXTRA = /[!'()~]|%20/g;

/**
 * Encodes one query name or value exactly as URLSearchParams does (space as `+`, everything
 * but alphanumerics and `*-._` percent-encoded as UTF-8), without building a URLSearchParams
 * per request: ids and numbers, nearly all values, are returned as they are.
 */
export function formEncode(text: string): string {
  if (FORM_SAFE.test(text)) return text;
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    // A lone surrogate: URLSearchParams turns it into U+FFFD, encodeURIComponent refuses it.
    return new URLSearchParams([['', text]]).toString().slice(1);
  }
  return encoded.replace(FORM_EXTRA, (m) => (m === '%20' ? '+' : `%${m.charCodeAt(0).toString(16).toUpperCase()}`));
}

function renderPath(op: CompiledOperation, resolve: (ref: { path: readonly string[] }) => unknown): string {
  const t = op.path;
  if (t.refs.length === 0) return t.text;
  let out = t.literals[0]!;
  for (let i = 0; i < t.refs.length; i++) {
    const value = resolve(t.refs[i]!);
    const text = Array.isArray(value) ? value.map((key) => keyText(op, key)).join(',') : String(value ?? '');
    // "." and ".." survive percent-encoding as dot segments (URL spec §4.2), so refuse them.
    if (text === '.' || text === '..') {
      throw new RequestError(ErrorCodes.REQUEST_INVALID, `The value "${text}" cannot be used in an upstream path of ${op.id}.`);
    }
    out += encodeURIComponent(text) + t.literals[i + 1]!;
  }
  return out;
}

/** A key as text: a composite key's parts joined by the operation's separator (`1:7`), any other as String() gives it. */
function keyText(op: CompiledOperation, key: unknown): string {
  return key instanceof CompositeKey ? key.text(op.batch!.keySeparator) : String(key);
}

/** The names of path params that must be present for the call to make sense. */
export function pathParamNames(op: CompiledOperation): string[] {
  return op.path.refs.map((r) => r.path[0]!).filter((n) => n !== KEYS_REF);
}
