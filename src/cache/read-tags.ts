import { ALL_TAG } from './cache';

/**
 * The tags of every cached read one request made: what its whole answer depends on, so that a write
 * drops only the answers built from what it changed (../http/response-cache). Filled by the store
 * the request reads (`ContentStore.noting`, see ./cached-store): mostly an entry's own tags, noted
 * before it is read; for a page of articles or an article by slug, the tags of the articles it
 * turned out to hold instead of every article's, noted when it is read. That is sound for an answer,
 * not for a cache entry, because an answer is kept only if no write since its request began touched
 * one of its tags (`ResponseCache`), and is dropped by every later one that does.
 */
export class ReadTags {
  private readonly seen = new Set<string>();
  private unknown = false;

  /** Notes the tags one cached read depends on. */
  add(tags: readonly string[]): void {
    for (const tag of tags) this.seen.add(tag);
  }

  /** Notes a read that no tag describes (one past the cache): the answer then depends on everything. */
  readPastCache(): void {
    this.unknown = true;
  }

  /** The tags noted, or `[ALL_TAG]` when a read could not name its own. */
  tags(): string[] {
    return this.unknown ? [ALL_TAG] : [...this.seen];
  }
}
