import { ErrorCodes } from '../errors/codes.ts';
import type { ConfigPath, PaginationConfig } from './types.ts';
import { checkKeys, readIntInRange, readMapping, readOneOf, readPositiveInt, readString, report, type Checker, type Mapping } from './shape-checker.ts';

const STYLES: readonly PaginationConfig['style'][] = ['cursor', 'page', 'offset'];
const COMMON_KEYS = ['style', 'maxPages', 'pageSize', 'sizeParam', 'limitParam'] as const;
/** The keys each style adds; a key of another style is reported as unknown, with its style named. */
const STYLE_KEYS: Record<PaginationConfig['style'], readonly string[]> = {
  cursor: ['cursorPath', 'cursorParam'],
  page: ['pageParam', 'firstPage'],
  offset: ['offsetParam'],
};
const REQUEST_PARAM_KEY = { cursor: 'cursorParam', page: 'pageParam', offset: 'offsetParam' } as const;
const REQUEST_PARAM_DEFAULT = { cursor: 'cursor', page: 'page', offset: 'offset' } as const;
// More pages than this for one field is a scan, not a list; it would hold a request for seconds.
const MAX_PAGES = 100;

/** Reads an operation's `pagination:`; meaning (the limit param, no batch) is blueprint/'s job. */
export function readPagination(c: Checker, op: Mapping, at: ConfigPath): PaginationConfig | undefined {
  if (op.pagination === undefined) return undefined;
  const where = [...at, 'pagination'];
  const p = readMapping(c, op.pagination, where, 'a mapping with style and maxPages, e.g. { style: cursor, cursorPath: next, maxPages: 5 }');
  if (!p) return undefined;
  const style = p.style === undefined ? missing(c, where, 'style', 'cursor, page or offset') : readOneOf(c, p.style, [...where, 'style'], STYLES);
  checkKeys(c, p, where, style ? [...COMMON_KEYS, ...STYLE_KEYS[style]] : [...COMMON_KEYS, ...Object.values(STYLE_KEYS).flat()]);
  const maxPages = p.maxPages === undefined ? missing(c, where, 'maxPages', `the most calls for one list, 1 to ${MAX_PAGES}`) : readIntInRange(c, p, where, 'maxPages', 1, MAX_PAGES);
  const pageSize = readPositiveInt(c, p, where, 'pageSize', 1_000_000);
  if (style && style !== 'cursor' && p.pageSize === undefined) missing(c, where, 'pageSize', `items per page: a shorter page is the last one in the ${style} style`);
  if (style === 'cursor' && p.cursorPath === undefined) missing(c, where, 'cursorPath', 'the dot path of the next cursor in the body, e.g. "next"');
  const name = (key: string) => (p[key] === undefined ? undefined : readString(c, p, where, key, 'a query parameter name'));
  const requestKey = style ? REQUEST_PARAM_KEY[style] : undefined;
  return {
    style: style ?? 'cursor',
    maxPages: maxPages ?? 1,
    pageSize,
    limitParam: p.limitParam === undefined ? undefined : readString(c, p, where, 'limitParam', 'the name of a declared Int param'),
    cursorPath: (p.cursorPath === undefined ? undefined : readString(c, p, where, 'cursorPath', 'a dot path into the response body, e.g. "next"')) ?? '',
    requestParam: (requestKey && name(requestKey)) ?? REQUEST_PARAM_DEFAULT[style ?? 'cursor'],
    firstPage: readIntInRange(c, p, where, 'firstPage', 0, 1) ?? 1,
    sizeParam: name('sizeParam'),
  };
}

function missing(c: Checker, at: ConfigPath, key: string, hint: string): undefined {
  report(c, ErrorCodes.CONFIG_MISSING_KEY, `expected key "${key}" (${hint}); it is missing`, [...at, key], 'key');
  return undefined;
}
