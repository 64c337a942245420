import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { Context } from '../src/context';
import type { RelatedParts } from '../src/loaders';
import { type Connection, type PageArgs, pageRequest, pagedList, toConnection } from '../src/pagination';
import type { ArticleFilter, ArticleOrder, ArticleSummary } from '../src/store/records';
import { relatedParts, selected } from './prefetch';

/**
 * What each connection field's selection reads along with its page (see `relatedParts`): a function
 * of the parsed document alone, so shared by every request.
 */
const partsOfSelection = new WeakMap<FieldNode, RelatedParts | null>();

/**
 * One page of articles matching `filter`, as a connection: the rows prime the request's article
 * loader, what the selection (`info`) asks of what they reference is read in one more statement
 * and primes the loaders (`Loaders.primeRelated`, ./prefetch.ts), and
 * `totalCount` is counted only if the client asks for it.
 */
export async function articleConnection(
  filter: ArticleFilter,
  order: ArticleOrder,
  args: PageArgs,
  { store, loaders, pagination }: Context,
  info: GraphQLResolveInfo,
): Promise<Connection<ArticleSummary>> {
  // Ranks are not instants: relevance pages a list of its own (its keys have another shape).
  const list = pagedList(order === 'RELEVANCE' ? 'articleSearch' : 'articles', filter, order);
  const result = await store.listArticles(filter, order, pageRequest(args, pagination, list));
  loaders.primeArticles(result.rows);
  const parts = relatedParts(partsOfSelection, info.fieldNodes, info, (nodes) => selected(selected(nodes, 'edges', info), 'node', info));
  if (parts) await loaders.primeRelated(result.rows, parts);
  return toConnection(result, () => store.countArticles(filter), list, args);
}
