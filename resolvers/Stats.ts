import { BadUserInputError } from '../src/errors';
import type { QueryResolvers, RegionSummaryResolvers, StatsBucketResolvers } from '../src/generated/graphql';
import { pageSize } from '../src/pagination';
import type { StatsFilter, StatsQuery as StatsQueryRecord } from '../src/store/records';
import type { ContentStore } from '../src/store/store';
import { toApiError } from '../src/editorial/editorial';
import { loadAll } from '../src/loaders';

/** Checks what the graph's types cannot: each dimension once, and a period that runs forwards. */
export function checkStatsArguments(filter: StatsFilter, groupBy: readonly string[]): void {
  const repeated = groupBy.find((dimension, i) => groupBy.indexOf(dimension) !== i);
  if (repeated) throw new BadUserInputError('groupBy', `lists ${repeated} twice; give each dimension at most once`);
  if (filter.periodFrom && filter.periodTo && filter.periodFrom > filter.periodTo) {
    throw new BadUserInputError('filter.periodFrom', 'must not be after `periodTo`');
  }
}

/** The store's statistics, with its refusals (a total past what the API carries) as the API's errors. */
function statsOf(store: ContentStore, query: StatsQueryRecord) {
  return store.casualtyStats(query).catch((error: unknown) => { throw toApiError(error, ''); });
}

export const StatsQuery: Pick<QueryResolvers, 'casualtyStats' | 'regionSummary'> = {
  casualtyStats(_, { filter, groupBy, regionLevel, timeBucket }, { store }) {
    const where = filter ?? {};
    const dimensions = groupBy ?? [];
    checkStatsArguments(where, dimensions);
    return statsOf(store, { filter: where, groupBy: dimensions, regionLevel: regionLevel ?? 'ADMIN1', timeBucket: timeBucket ?? 'MONTH' });
  },
  async regionSummary(_, { locationId }, { loaders }) {
    const region = await loaders.locationById.load(locationId);
    return region && { region };
  },
};

export const StatsBucket: StatsBucketResolvers = {
  region: (bucket, _, { loaders }) => (bucket.regionId ? loaders.locationById.load(bucket.regionId) : null),
};

export const RegionSummary: RegionSummaryResolvers = {
  ancestors: ({ region }, _, { loaders }) => loaders.ancestorsOfLocation.load(region.id),
  children: ({ region }, _, { loaders }) => loaders.childrenOfLocation.load(region.id),
  articleCount: ({ region }, _, { store }) => store.countArticles({ locationId: region.id }),
  async latestArticles({ region }, { first }, { store, loaders, pagination }) {
    const page = await store.listArticles({ locationId: region.id }, 'PUBLISHED_AT_DESC', { first: pageSize(first, pagination) });
    loaders.primeArticles(page.rows);
    return loadAll(loaders.articleById, page.rows.map((article) => article.id));
  },
  killed: ({ region }, _, { store }) => statsOf(store, {
    filter: { locationId: region.id, outcome: ['KILLED'] }, groupBy: ['GROUP'], regionLevel: 'ADMIN1', timeBucket: 'MONTH',
  }),
};
