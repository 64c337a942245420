import type {
  ExternalArticleResolvers, MutationResolvers, NewsItemResolvers, QueryResolvers, SourceResolvers,
} from '../src/generated/graphql';
import { responsePathAsArray } from 'graphql';
import { newsConnection } from '../src/news/merge';
import { importExternalArticle } from '../src/news/import';
import { LOCAL_SOURCE, externalId, isExternal, sourceModel } from '../src/news/models';
import { placesOfHints } from '../src/news/places';
import { pageSize } from '../src/pagination';
import { checkArticleFilter } from './Query';

/** News.ts holds the news types and their Query and Mutation fields (as Stats.ts does for statistics). */
export const NewsQuery: Pick<QueryResolvers, 'news' | 'sources'> = {
  news: (_, { filter, first, after }, context, info) =>
    newsConnection(checkArticleFilter(filter ?? {}), pageSize(first, context.pagination), after ?? null, context,
      responsePathAsArray(info.path)),
  sources: (_, __, { sources }) => [LOCAL_SOURCE, ...(sources?.list().map(sourceModel) ?? [])],
};

export const NewsMutation: Pick<MutationResolvers, 'importExternalArticle'> = {
  // Behind `@requires(role: EDITOR)`, so a viewer with an actor.
  importExternalArticle: (_, { id }, context) => importExternalArticle(context, context.viewer.actor!, id),
};

export const NewsItem: NewsItemResolvers = {
  __resolveType: (item) => (isExternal(item) ? 'ExternalArticle' : 'Article'),
};

export const ExternalArticle: ExternalArticleResolvers = {
  id: (item) => externalId(item),
  places: (item, _, { loaders }) => placesOfHints(item.placeHints, loaders),
  async source(item, _, { sources }) {
    const info = sources?.list().find((source) => source.id === item.sourceId);
    // An item comes from a configured source: one missing here is a bug, said loudly.
    if (!info) throw new Error(`external item of unknown source ${item.sourceId}`);
    return sourceModel(info);
  },
};

export const Source: SourceResolvers = {
  health: (source, _, { sources }) => (source.kind === 'LOCAL' || !sources ? null : sources.health(source.id)),
};
