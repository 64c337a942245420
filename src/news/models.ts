/** The parents of the news types (codegen's mappers, re-exported by ../graph-models). */
import type { ArticleSummary } from '../store/records';
import type { PageInfo } from '../pagination';
import type { ExternalItem, SourceInfo } from '../sources/source';

/** A remote item as the page that carried it was served. */
export interface ExternalArticleModel extends ExternalItem {
  fetchedAt: Date;
  stale: boolean;
}

/**
 * `NewsItem`: one of ours (as a list page reads it, without its body: see `ArticleSummary`), or a
 * remote one (told apart by `remoteId`).
 */
export type NewsItemModel = ArticleSummary | ExternalArticleModel;

export function isExternal(item: NewsItemModel): item is ExternalArticleModel {
  return 'remoteId' in item;
}

/** A `Source`: a configured remote, or newsgate's own store (`LOCAL_SOURCE`). */
export type SourceModel = Omit<SourceInfo, 'kind' | 'url' | 'licence'> & {
  kind: 'LOCAL' | 'GRAPHQL' | 'REST' | 'FEED';
  url: string | null;
  licence: string | null;
};

/** The id `NewsFilter.sourceIds` names our own store by; no remote source may take it. */
export const LOCAL_SOURCE_ID = 'newsgate';

export const LOCAL_SOURCE: SourceModel = { id: LOCAL_SOURCE_ID, name: 'newsgate', kind: 'LOCAL', url: null, licence: null };

export function sourceModel(info: SourceInfo): SourceModel {
  return { ...info, kind: info.kind.toUpperCase() as SourceModel['kind'] };
}

/** `news` as resolvers return it; the counts are computed only when a client asks for them. */
export interface NewsConnectionModel {
  edges: { cursor: string; node: NewsItemModel }[];
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
  totalCountIsLowerBound: () => Promise<boolean>;
}

/** `ExternalArticle.id`: its source's id and the source's own id for it, opaque to clients and the same on every request. */
export function externalId(item: Pick<ExternalItem, 'sourceId' | 'remoteId'>): string {
  return `ext_${Buffer.from(JSON.stringify([item.sourceId, item.remoteId])).toString('base64url')}`;
}

/** The source and remote id inside an `ExternalArticle.id`; undefined when it is not one. */
export function parseExternalId(id: string): { sourceId: string; remoteId: string } | undefined {
  if (!id.startsWith('ext_')) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(id.slice(4), 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && decoded.every((part) => typeof part === 'string')) {
      return { sourceId: decoded[0] as string, remoteId: decoded[1] as string };
    }
  } catch {
    // not JSON: not one of ours
  }
  return undefined;
}
