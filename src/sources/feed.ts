/**
 * PLACEHOLDER so that ./index typechecks: the feed kind is written on another branch, whose
 * src/sources/feed.ts replaces this file when the branches are merged.
 */
import type { FeedSourceDefinition, RemotePage, SourceAdapter, SourceInfo } from './source';

export class FeedSource implements SourceAdapter {
  readonly info: SourceInfo;

  constructor(definition: FeedSourceDefinition) {
    const { id, name, kind, url, licence } = definition;
    this.info = { id, name, kind, url, licence };
  }

  async fetchPage(): Promise<RemotePage> {
    throw new Error(`source "${this.info.id}": the feed kind is not built yet`);
  }
}
