import { argumentsKey } from './cache/keys';
import { BadUserInputError } from './errors';
import type { Page, PageRequest, SortKey } from './store/records';
import { type ListName, SORT_KEY_SHAPES, isSortKey } from './store/sort-keys';

export interface PageLimits {
  defaultPageSize: number;
  maxPageSize: number;
}

/** A Relay connection as resolvers return it; `totalCount` runs its count query only when asked. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** Called by `totalCount`'s resolver (resolvers/connections.ts) only when a client selects it. */
  totalCount: () => Promise<number>;
}

/** Relay's page information (schema/common.graphql, `PageInfo`). */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** The paging arguments of a connection field. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** 72 bits: enough to tell lists apart, short enough to repeat on every edge. */
const DIGEST_LENGTH = 12;

/** A list as its cursors name it: the store's list (which fixes the shape of its sort keys) and a digest of its ordering and filter. */
export interface PagedList {
  name: ListName;
  digest: string;
}

/**
 * The store's list `name` in `order` under `filter`, as its cursors name it. A cursor belongs to
 * the rows it pages, not to the field that listed them: `Author.articles` of author 5 and
 * `articles(filter: { authorId: "5" })` are one list. Set-like lists in the filter may come in any
 * order, and `false` counts as absent (every boolean of a filter is off by default).
 */
export function pagedList(name: ListName, filter: object = {}, order: string | null = null): PagedList {
  return { name, digest: listDigest(name, filter, order) };
}

/** The digest of the list `name` in `order` under `filter`, normalised as `pagedList` says; for lists beyond the store's too. */
export function listDigest(name: string, filter: object = {}, order: string | null = null): string {
  const normal = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== false)
    .map(([field, value]) => [field, Array.isArray(value) ? [...value].sort() : value]));
  return argumentsKey({ list: name, order, filter: normal }).slice(0, DIGEST_LENGTH);
}

export const NOT_A_CURSOR = 'is not a cursor from this API: pass an `endCursor` or edge `cursor` exactly as it was returned';
export const OTHER_LIST = 'this cursor belongs to another list, ordering or filter: pass an endCursor this list returned';
const OLD_CURSOR = 'this cursor was issued before cursors named the list they belong to, and is no longer accepted: ' +
  'start again without it, then page on with the endCursor that returns';

/**
 * Cursors are opaque to clients: base64url of JSON `[list digest, sort key value, id]`. They carry
 * no secret and need none: a made-up cursor can only start a page at a position of a list the
 * client may read anyway (what a reader may see is decided by the store, not by the cursor).
 */
export function encodeCursor(list: PagedList, [value, id]: SortKey): string {
  return Buffer.from(JSON.stringify([list.digest, value, id])).toString('base64url');
}

/**
 * The sort key inside `cursor`, checked to belong to `list` and to have the shape of its keys
 * before any SQL sees it; otherwise a BAD_USER_INPUT error naming `argument` says which of these
 * it is not. The one check every cursor argument goes through.
 */
export function decodeCursor(list: PagedList, cursor: string, argument = 'after'): SortKey {
  const decoded = cursorJson(cursor, argument);
  if (!Array.isArray(decoded) || decoded.length !== 3 || typeof decoded[0] !== 'string') {
    throw new BadUserInputError(argument, isOldCursor(decoded) ? OLD_CURSOR : NOT_A_CURSOR);
  }
  const [digest, ...key] = decoded;
  if (digest !== list.digest) throw new BadUserInputError(argument, argument === 'before' ? OTHER_LIST.replace('an endCursor', 'a startCursor') : OTHER_LIST);
  if (!isSortKey(SORT_KEY_SHAPES[list.name], key)) throw new BadUserInputError(argument, NOT_A_CURSOR);
  return key;
}

/** The JSON inside a cursor (base64url); a BAD_USER_INPUT error naming `argument` when there is none. */
export function cursorJson(cursor: string, argument: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadUserInputError(argument, NOT_A_CURSOR);
  }
}

/** The cursors issued before they carried their list: `[value, id]`. */
function isOldCursor(decoded: unknown): boolean {
  return Array.isArray(decoded) && decoded.length === 2 && (decoded[0] === null || typeof decoded[0] === 'string') &&
    typeof decoded[1] === 'string' && /^\d+$/.test(decoded[1]);
}

/**
 * `first` (or `last`, named by `argument`) checked: it defaults to the configured page size and
 * must lie between 0 and the cap; the error says the cap.
 */
export function pageSize(first: number | null | undefined, limits: PageLimits, argument: 'first' | 'last' = 'first'): number {
  const size = first ?? limits.defaultPageSize;
  if (size < 0 || size > limits.maxPageSize) {
    const further = argument === 'first' ? '`after: pageInfo.endCursor`' : '`before: pageInfo.startCursor`';
    throw new BadUserInputError(argument, `must be between 0 and ${limits.maxPageSize} (got ${size}); ` +
      `fetch further pages with ${further}`);
  }
  return size;
}

/**
 * Checks the paging arguments (`after` and `before` must be cursors of `list`; `first` and `last`
 * are not given together) and turns them into a store page request: the first `first` rows, or with
 * `last` the last `last` rows, between the cursors.
 */
export function pageRequest(args: PageArgs, limits: PageLimits, list: PagedList): PageRequest {
  if (args.first != null && args.last != null) {
    throw new BadUserInputError('first, last', 'give `first` (paging forwards, with `after`) or `last` (paging backwards, with `before`), not both');
  }
  const fromEnd = args.last != null;
  return {
    first: fromEnd ? pageSize(args.last, limits, 'last') : pageSize(args.first, limits),
    after: args.after == null ? null : decodeCursor(list, args.after, 'after'),
    before: args.before == null ? null : decodeCursor(list, args.before, 'before'),
    ...(fromEnd ? { fromEnd } : {}),
  };
}

/**
 * Wraps a store page of `list`, asked for with `args`, as a connection. The page's cursors are those
 * of its first and last edges; a page without edges (`first: 0`, or past the end) stands where its
 * request did, so its cursors are the `after` (or, paging backwards, the `before`) it was given:
 * `after: endCursor` and `before: startCursor` continue from there.
 */
export function toConnection<T>(page: Page<T>, count: () => Promise<number>, list: PagedList, args: PageArgs = {}): Connection<T> {
  const edges = page.rows.map((node, i) => ({ cursor: encodeCursor(list, page.keys[i]), node }));
  const standing = (args.last != null ? args.before : args.after) ?? null;
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? standing,
      endCursor: edges.at(-1)?.cursor ?? standing,
    },
    totalCount: count,
  };
}
