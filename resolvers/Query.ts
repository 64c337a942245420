import type { FieldNode } from 'graphql';
import { BadUserInputError } from '../src/errors';
import type { QueryResolvers } from '../src/generated/graphql';
import type { CasualtyFigureModel } from '../src/graph-models';
import { pageRequest, pagedList, toConnection } from '../src/pagination';
import type { ArticleFilter } from '../src/store/records';
import type { RelatedParts } from '../src/loaders';
import { articleConnection } from './article-connection';
import { relatedParts } from './prefetch';

/** What each `article` field's selection reads along with it (see `relatedParts`): a function of the parsed document alone. */
const partsOfSelection = new WeakMap<FieldNode, RelatedParts | null>();

const MAX_SEARCH_LENGTH = 500;

/**
 * The one lookup key a single-entity field was given. Exactly one of `keys` must be set;
 * otherwise a BAD_USER_INPUT error names them.
 */
function exactlyOne<K extends string>(args: Partial<Record<K, string | null>>, keys: [K, K]): [K, string] {
  const given = keys.filter((key) => args[key] != null);
  if (given.length !== 1) {
    throw new BadUserInputError(keys.join(', '), `give exactly one of \`${keys[0]}\` or \`${keys[1]}\``);
  }
  return [given[0], args[given[0]]!];
}

/** Checks the free-form parts of an article filter. */
export function checkArticleFilter<F extends ArticleFilter>(filter: F): F {
  if (filter.search != null && (filter.search.trim() === '' || filter.search.length > MAX_SEARCH_LENGTH)) {
    throw new BadUserInputError('filter.search', `must be between 1 and ${MAX_SEARCH_LENGTH} characters of text to search for`);
  }
  if (filter.publishedFrom && filter.publishedTo && filter.publishedFrom > filter.publishedTo) {
    throw new BadUserInputError('filter.publishedFrom', 'must not be after `publishedTo`');
  }
  return filter;
}

export const Query: QueryResolvers = {
  async article(_, { asOf, ...args }, { loaders, store }, info) {
    const [key, value] = exactlyOne(args, ['id', 'slug']);
    if (!asOf) {
      // With what its fields will ask for, in one statement (see `Loaders.articleWith`).
      const parts = relatedParts(partsOfSelection, info.fieldNodes, info);
      if (parts) return loaders.articleWith.load({ by: key, key: value, parts });
      return key === 'id' ? loaders.articleById.load(value) : loaders.articleBySlug.load(value);
    }
    // What was published then may be unpublished now: find the id whatever the current status.
    const id = key === 'id' ? value : (await store.scoped({ unpublished: true }).articlesBySlugs([value]))[0]?.id;
    const then = id ? await store.articleAsOf(id, asOf) : null;
    if (!then) return null;
    // Each figure carries the list it belongs to: its links are read among the figures of then.
    const figures: CasualtyFigureModel[] = [];
    for (const figure of then.figures) figures.push({ ...figure, asOfFigures: figures });
    return { ...then.article, asOfFigures: figures };
  },

  articles: (_, { filter, orderBy, first, after }, context, info) =>
    articleConnection(checkArticleFilter(filter ?? {}), orderBy ?? 'PUBLISHED_AT_DESC', { first, after }, context, info),

  author(_, args, { loaders }) {
    const [key, value] = exactlyOne(args, ['id', 'slug']);
    return key === 'id' ? loaders.authorById.load(value) : loaders.authorBySlug.load(value);
  },

  async authors(_, { first, after }, { store, pagination }) {
    const list = pagedList('authors');
    const result = await store.listAuthors(pageRequest({ first, after }, pagination, list));
    return toConnection(result, () => store.countAuthors(), list);
  },

  location(_, args, { loaders }) {
    const [key, value] = exactlyOne(args, ['id', 'isoCode']);
    return key === 'id' ? loaders.locationById.load(value) : loaders.locationByIsoCode.load(value);
  },

  async locations(_, { filter, first, after }, { store, pagination }) {
    const where = filter ?? {};
    const list = pagedList('locations', where);
    const result = await store.listLocations(where, pageRequest({ first, after }, pagination, list));
    return toConnection(result, () => store.countLocations(where), list);
  },

  async casualtyFigures(_, { filter, first, after }, { store, loaders, pagination }) {
    const where = filter ?? {};
    const list = pagedList('figures', where);
    const result = await store.listFigures(where, pageRequest({ first, after }, pagination, list));
    loaders.primeFigures(result.rows);
    return toConnection(result, () => store.countFigures(where), list);
  },
};
