import type { CompiledOperation, CompiledPagination } from '../blueprint/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { UpstreamRequest } from '../transports/transport.ts';
import { readPath } from '../util/read-path.ts';
import { formEncode, type ParamValues } from './render-request.ts';

/**
 * Loads a paged list: page after page, in order (each page names the next), until the field has
 * the items it needs (the `limitParam` value), the upstream has no next page, or `maxPages`
 * calls were made. Reaching the cap is not an error: the list is what the pages held, and
 * `onMaxPages` lets the request's stats count it, so the explain header and access log show it.
 */
export async function loadPages(
  op: CompiledOperation,
  params: ParamValues,
  first: UpstreamRequest,
  send: (request: UpstreamRequest) => Promise<unknown>,
  onMaxPages: () => void,
): Promise<unknown[]> {
  const p = op.pagination!;
  const limit = p.limitParam === undefined ? undefined : params[p.limitParam];
  const wanted = typeof limit === 'number' && limit >= 0 ? limit : Infinity;
  const items: unknown[] = [];
  // Absent or 0: the list is empty whatever the upstream holds; no call is needed.
  if (wanted === 0) return items;
  const sized = p.sizeParam === undefined || p.pageSize === undefined ? first.path : withParam(first.path, p.sizeParam, String(p.pageSize));
  let position: string | undefined = p.style === 'page' ? String(p.firstPage) : p.style === 'offset' ? '0' : undefined;
  for (let page = 1; ; page++) {
    const path = position === undefined ? sized : withParam(sized, p.requestParam, position);
    const body = await send(path === first.path ? first : { ...first, path });
    const pageItems = readPath(body, op.resultPath);
    if (!Array.isArray(pageItems)) throw notAList(op);
    for (let i = 0; i < pageItems.length && items.length < wanted; i++) items.push(pageItems[i]);
    if (items.length >= wanted) return items;
    position = nextPosition(p, body, pageItems.length, page);
    if (position === undefined) return items;
    if (page >= p.maxPages) {
      onMaxPages();
      return items;
    }
  }
}

/** The next page's cursor, page number or offset; undefined when this page was the last. */
function nextPosition(p: CompiledPagination, body: unknown, count: number, page: number): string | undefined {
  if (p.style === 'cursor') {
    const cursor = readPath(body, p.cursorPath);
    return typeof cursor === 'string' ? (cursor === '' ? undefined : cursor) : typeof cursor === 'number' ? String(cursor) : undefined;
  }
  // A short (or empty) page is the last one.
  if (count === 0 || count < p.pageSize!) return undefined;
  return p.style === 'page' ? String(p.firstPage + page) : String(page * p.pageSize!);
}

function withParam(path: string, name: string, value: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${formEncode(name)}=${formEncode(value)}`;
}

function notAList(op: CompiledOperation): UpstreamError {
  return new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${op.id} answered a page without a list at its result path`, {
    details: { connector: op.connector, operation: op.name },
  });
}
