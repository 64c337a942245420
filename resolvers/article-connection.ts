import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../src/context';
import { type Connection, type PageArgs, pageRequest, pagedList, toConnection } from '../src/pagination';
import type { ArticleFilter, ArticleOrder, ArticleRecord } from '../src/store/records';
import { prefetchArticles, selected } from './prefetch';

/**
 * One page of articles matching `filter`, as a connection: the rows prime the request's article
 * loader, what the selection (`info`) asks of them is fetched ahead (./prefetch.ts), and
 * `totalCount` is counted only if the client asks for it.
 */
export async function articleConnection(
  filter: ArticleFilter,
  order: ArticleOrder,
  args: PageArgs,
  { store, loaders, pagination }: Context,
  info: GraphQLResolveInfo,
): Promise<Connection<ArticleRecord>> {
  // Ranks are not instants: relevance pages a list of its own (its keys have another shape).
  const list = pagedList(order === 'RELEVANCE' ? 'articleSearch' : 'articles', filter, order);
  const result = await store.listArticles(filter, order, pageRequest(args, pagination, list));
  loaders.primeArticles(result.rows);
  await prefetchArticles(result.rows, selected(selected(info.fieldNodes, 'edges', info), 'node', info), info, loaders);
  return toConnection(result, () => store.countArticles(filter), list, args);
}
