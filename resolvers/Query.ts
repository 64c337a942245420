import type { FieldNode } from 'graphql';
import { BadUserInputError } from '../src/errors';
import type { QueryResolvers } from '../src/generated/graphql';
import type { CasualtyFigureModel } from '../src/graph-models';
import { pageRequest, pagedList, toConnection } from '../src/pagination';
import { type ArticleFilter, type AuthorFilter, type CasualtyFilter, nameSearchWords } from '../src/store/records';
import type { ContentStore } from '../src/store/store';
import type { RelatedParts } from '../src/loaders';
import { articleConnection } from './article-connection';
import { articleSnapshot } from './Snapshot';
import { relatedParts } from './prefetch';

/** What each `article` field's selection reads along with it (see `relatedParts`): a function of the parsed document alone. */
const partsOfSelection = new WeakMap<FieldNode, RelatedParts | null>();

const MAX_SEARCH_LENGTH = 500;
const MAX_NAME_SEARCH_LENGTH = 200;
/** The most values a list in a filter takes: a page's worth. */
const MAX_FILTER_VALUES = 100;

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

/** Refuses a list in `filter` longer than `MAX_FILTER_VALUES`, naming it as `filter.<field>`. */
function checkListLengths<F extends object>(filter: F, argument = 'filter'): F {
  for (const [field, value] of Object.entries(filter)) {
    if (Array.isArray(value) && value.length > MAX_FILTER_VALUES) {
      throw new BadUserInputError(`${argument}.${field}`, `takes at most ${MAX_FILTER_VALUES} values (got ${value.length}); split the list over several requests`);
    }
  }
  return filter;
}

/** Checks the lists of a figure filter. */
export function checkFigureFilter<F extends CasualtyFilter>(filter: F): F {
  if (filter.periodFrom && filter.periodTo && filter.periodFrom > filter.periodTo) {
    throw new BadUserInputError('filter.periodFrom', 'must not be after `periodTo`');
  }
  return checkListLengths(filter);
}

/** Checks an author filter's search: some letters or digits, not too long. */
function checkAuthorFilter(filter: AuthorFilter): AuthorFilter {
  const search = filter.search;
  if (search != null && (search.length > MAX_NAME_SEARCH_LENGTH || nameSearchWords(search).length === 0)) {
    throw new BadUserInputError('filter.search', `must be 1-${MAX_NAME_SEARCH_LENGTH} characters with at least one letter or digit (the start of a word of the name)`);
  }
  return filter;
}

/** Checks the free-form parts of an article filter, and its lists' lengths. */
export function checkArticleFilter<F extends ArticleFilter>(filter: F): F {
  checkListLengths(filter);
  if (filter.search != null && (filter.search.trim() === '' || filter.search.length > MAX_SEARCH_LENGTH)) {
    throw new BadUserInputError('filter.search', `must be between 1 and ${MAX_SEARCH_LENGTH} characters of text to search for`);
  }
  if (filter.publishedFrom && filter.publishedTo && filter.publishedFrom > filter.publishedTo) {
    throw new BadUserInputError('filter.publishedFrom', 'must not be after `publishedTo`');
  }
  return filter;
}

/**
 * The article named by `id` or `slug` (exactly one) as it stood at `asOf`, with its figures then;
 * null when the store has no such state for the reader (`HistoryReader.articleAsOf`).
 */
async function articleThen(args: { id?: string | null; slug?: string | null }, asOf: Date, store: ContentStore) {
  const [key, value] = exactlyOne(args, ['id', 'slug']);
  // What was published then may be unpublished now: find the id whatever the current status.
  const id = key === 'id' ? value : (await store.scoped({ unpublished: true }).articlesBySlugs([value]))[0]?.id;
  return id ? store.articleAsOf(id, asOf) : null;
}

export const Query: QueryResolvers = {
  async article(_, { asOf, ...args }, { loaders, store }, info) {
    if (!asOf) {
      const [key, value] = exactlyOne(args, ['id', 'slug']);
      // With what its fields will ask for, in one statement (see `Loaders.articleWith`).
      const parts = relatedParts(partsOfSelection, info.fieldNodes, info);
      if (parts) return loaders.articleWith.load({ by: key, key: value, parts });
      return key === 'id' ? loaders.articleById.load(value) : loaders.articleBySlug.load(value);
    }
    const then = await articleThen(args, asOf, store);
    if (!then) return null;
    // Each figure carries the list it belongs to: its links are read among the figures of then.
    const figures: CasualtyFigureModel[] = [];
    for (const figure of then.figures) figures.push({ ...figure, asOfFigures: figures });
    return { ...then.article, asOfFigures: figures };
  },

  async articleSnapshot(_, { asOf, ...args }, { store }) {
    const then = await articleThen(args, asOf, store);
    return then && articleSnapshot(then.article, async () => then.figures);
  },

  articles(_, { filter, orderBy, ...paging }, context, info) {
    const where = checkArticleFilter(filter ?? {});
    if (orderBy === 'RELEVANCE' && where.search == null) {
      throw new BadUserInputError('orderBy', 'RELEVANCE ranks by `filter.search`: give a search, or choose another order');
    }
    return articleConnection(where, orderBy ?? 'PUBLISHED_AT_DESC', paging, context, info);
  },

  author(_, args, { loaders }) {
    const [key, value] = exactlyOne(args, ['id', 'slug']);
    return key === 'id' ? loaders.authorById.load(value) : loaders.authorBySlug.load(value);
  },

  async authors(_, { filter, ...paging }, { store, pagination }) {
    const where = checkAuthorFilter(filter ?? {});
    const list = pagedList('authors', where);
    const result = await store.listAuthors(pageRequest(paging, pagination, list), where);
    return toConnection(result, () => store.countAuthors(where), list, paging);
  },

  location(_, args, { loaders }) {
    const [key, value] = exactlyOne(args, ['id', 'isoCode']);
    return key === 'id' ? loaders.locationById.load(value) : loaders.locationByIsoCode.load(value);
  },

  async locations(_, { filter, ...paging }, { store, pagination }) {
    const where = filter ?? {};
    const list = pagedList('locations', where);
    const result = await store.listLocations(where, pageRequest(paging, pagination, list));
    return toConnection(result, () => store.countLocations(where), list, paging);
  },

  async casualtyFigures(_, { filter, orderBy, ...paging }, { store, loaders, pagination }) {
    const where = checkFigureFilter(filter ?? {});
    const order = orderBy ?? 'CODED';
    // The default order keeps the list's cursors as they were before orders existed.
    const list = order === 'CODED' ? pagedList('figures', where) : pagedList('figuresByDate', where, order);
    const result = await store.listFigures(where, pageRequest(paging, pagination, list), order);
    loaders.primeFigures(result.rows);
    return toConnection(result, () => store.countFigures(where), list, paging);
  },
};
