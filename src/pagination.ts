import { BadUserInputError } from './errors';
import type { Page, PageRequest, SortKey } from './store/records';

export interface PageLimits {
  defaultPageSize: number;
  maxPageSize: number;
}

/** A Relay connection as resolvers return it; `totalCount` runs its count query only when asked. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Called by graphql's default resolver only when a client selects `totalCount`. */
  totalCount: () => Promise<number>;
}

/** Cursors are opaque to clients: base64url of the row's sort key. */
export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key inside a cursor; a BAD_USER_INPUT error naming `after` for anything else. */
export function decodeCursor(cursor: string): SortKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && (key[0] === null || typeof key[0] === 'string') &&
        typeof key[1] === 'string') {
      return key as SortKey;
    }
  } catch {
    // Not JSON: reported below like any other foreign string.
  }
  throw new BadUserInputError('after', 'is not a cursor from this API: pass an `endCursor` or edge `cursor` exactly as it was returned');
}

/**
 * Checks `first` and `after` and turns them into a store page request. `first` defaults to the
 * configured page size and must lie between 0 and the cap; the error says the cap.
 */
export function pageRequest(args: { first?: number | null; after?: string | null }, limits: PageLimits): PageRequest {
  const first = args.first ?? limits.defaultPageSize;
  if (first < 0 || first > limits.maxPageSize) {
    throw new BadUserInputError('first', `must be between 0 and ${limits.maxPageSize} (got ${first}); ` +
      'fetch further pages with `after: pageInfo.endCursor`');
  }
  return { first, after: args.after == null ? null : decodeCursor(args.after) };
}

/** Wraps a store page as a connection. */
export function toConnection<T>(page: Page<T>, count: () => Promise<number>): Connection<T> {
  const edges = page.rows.map((node, i) => ({ cursor: encodeCursor(page.keys[i]), node }));
  return {
    edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: count,
  };
}
