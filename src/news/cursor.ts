/**
 * The `news` cursor: one position in every list `news` merges. Opaque to clients: base64url of JSON
 * `[digest, store, sources, size]`, where
 *
 * - `digest` names the filter (as the store's cursors do, ../pagination `listDigest`): a cursor of
 *   another filter is refused;
 * - `store` is the sort key of the last article taken from the store's newest-first list, null
 *   before the first, 0 once the list is done;
 * - `sources` maps each remote source's id to `[adapter cursor of the page being read (null for the
 *   first page), how many items of that page were taken]`, or 0 once the source is done; a source
 *   not named starts from its first page;
 * - `size` is the page size every source is asked for: the same on every page of a walk, since an
 *   adapter's cursor may count in pages.
 *
 * Like the store's cursors it carries no secret and needs none: a made-up one only starts a page at
 * some position of lists the client may read anyway.
 */
import { BadUserInputError } from '../errors';
import { NOT_A_CURSOR, OTHER_LIST, cursorJson } from '../pagination';
import type { SortKey } from '../store/records';
import { SORT_KEY_SHAPES, isSortKey } from '../store/sort-keys';

/** Where one remote source's list stands: done, or the page being read and how much of it was taken. */
export type RemotePosition = 'done' | { cursor: string | null; taken: number };

export interface NewsPosition {
  store: SortKey | null | 'done';
  sources: Record<string, RemotePosition>;
  size: number;
}

/** The longest adapter cursor a news cursor carries; longer ones are refused. */
const MAX_ADAPTER_CURSOR = 2_048;
/** More than any page of any source holds. */
const MAX_TAKEN = 10_000;

export function encodeNewsCursor(digest: string, position: NewsPosition): string {
  const sources = Object.fromEntries(Object.entries(position.sources)
    .map(([id, at]) => [id, at === 'done' ? 0 : [at.cursor, at.taken]]));
  const store = position.store === 'done' ? 0 : position.store;
  return Buffer.from(JSON.stringify([digest, store, sources, position.size])).toString('base64url');
}

/**
 * The position inside `cursor`, checked to belong to the list `digest` names and to have the shape
 * above; otherwise a BAD_USER_INPUT error naming `argument`.
 */
export function decodeNewsCursor(digest: string, cursor: string, argument = 'after'): NewsPosition {
  const decoded = cursorJson(cursor, argument);
  if (!Array.isArray(decoded) || decoded.length !== 4 || typeof decoded[0] !== 'string') {
    throw new BadUserInputError(argument, NOT_A_CURSOR);
  }
  const [given, store, sources, size] = decoded as unknown[];
  if (given !== digest) throw new BadUserInputError(argument, OTHER_LIST);
  const position = {
    store: store === 0 ? 'done' as const : store === null ? null : isSortKey(SORT_KEY_SHAPES.articles, store) ? store : undefined,
    sources: remotePositions(sources),
    size: Number.isInteger(size) && (size as number) > 0 && (size as number) <= 100 ? size as number : undefined,
  };
  if (position.store === undefined || !position.sources || position.size === undefined) {
    throw new BadUserInputError(argument, NOT_A_CURSOR);
  }
  return position as NewsPosition;
}

function remotePositions(value: unknown): Record<string, RemotePosition> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const positions: Record<string, RemotePosition> = {};
  for (const [id, at] of Object.entries(value)) {
    if (at === 0) {
      positions[id] = 'done';
    } else if (Array.isArray(at) && at.length === 2 &&
      (at[0] === null || (typeof at[0] === 'string' && at[0].length <= MAX_ADAPTER_CURSOR)) &&
      Number.isInteger(at[1]) && at[1] >= 0 && at[1] <= MAX_TAKEN) {
      positions[id] = { cursor: at[0] as string | null, taken: at[1] as number };
    } else {
      return undefined;
    }
  }
  return positions;
}
