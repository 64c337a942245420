import { SimpleFaker } from '@faker-js/faker';
import { ARTICLE } from './queries';

/**
 * The read side of `npm run bench:mixed`: what readers ask, drawn from a seeded generator so the
 * same seed and pools give the same requests in the same order. Popularity follows Zipf's law
 * (`ZIPF_EXPONENT`): the k-th item of a pool is asked 1/k^s as often as the first. Each pool is
 * ordered most popular first.
 */
export interface MixPools {
  /** Published articles' slugs, newest first: the newest is the most read. */
  slugs: string[];
  /** Country ids, the one with the most articles first. */
  countries: string[];
  /** Province (ADMIN1) ids, the most reported on first. */
  regions: string[];
  /** Town and city (LOCALITY) ids, the most reported on first. */
  localities: string[];
  /** Tags, the most used first. */
  tags: string[];
  /** Words readers search for, the most common in headlines first. */
  searchTerms: string[];
  /** The newest article's publication: date windows and statistics periods end here. */
  now: Date;
}

/** s in 1/k^s; about 1 for what people read on the web. */
export const ZIPF_EXPONENT = 1;

/**
 * A draw of a 0-based rank in `0..n-1`, rank k with probability proportional to 1/(k+1)^exponent,
 * from `random` (uniform in [0, 1)): a binary search in the cumulative weights, O(log n) a draw.
 */
export function zipfSampler(n: number, exponent: number, random: () => number): () => number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`a Zipf pool needs at least one item, not ${n}`);
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cumulative[k] = total += 1 / (k + 1) ** exponent;
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] > target) high = middle;
      else low = middle + 1;
    }
    return low;
  };
}

/** One request of the mix: its family (for the report) and its JSON body. */
export interface MixRequest { family: 'article' | 'list' | 'stats'; body: string }

const ARTICLE_LIST = /* GraphQL */ `
  query ArticleList($filter: ArticleFilter, $orderBy: ArticleOrder, $first: Int) {
    articles(filter: $filter, orderBy: $orderBy, first: $first) {
      totalCount
      edges { node {
        id slug headline standfirst publishedAt tags
        authors { name }
        locations { name }
        casualtyFigures { outcome group low best high qualifier verification location { name } }
      } }
    }
  }`;

const CASUALTY_STATS = /* GraphQL */ `
  query CasualtyStats($filter: StatsFilter, $groupBy: [StatsDimension!], $regionLevel: RegionLevel, $timeBucket: TimeBucket) {
    casualtyStats(filter: $filter, groupBy: $groupBy, regionLevel: $regionLevel, timeBucket: $timeBucket) {
      total { low best high }
      buckets { region { id name } unallocated group outcome period undated low best high }
      leftOut { reason verification figures low }
    }
  }`;

/** What a request draws its choices with. */
interface Draw {
  /** An item of `pool`, by Zipf rank. */
  zipf<T>(pool: readonly T[]): T;
  /** One of `choices`, each with its weight. */
  weighted<T>(choices: [T, number][]): T;
}

interface Variant { family: MixRequest['family']; name: string; share: number; make: (draw: Draw, pools: MixPools) => object }

const DAY_MS = 86_400_000;
const MONTHS_BACK = Array.from({ length: 24 }, (_, k) => k);

/**
 * The mix, by share of requests: 60 % single articles, 25 % lists (a country's page in its orders and
 * sizes, a month of a country, a tag, a search, a province), 15 % statistics (a country by month and
 * group over five years, a country by province, a province by outcome, a town's total).
 */
export const VARIANTS: Variant[] = [
  { family: 'article', name: 'article by slug', share: 0.6, make: (draw, pools) => ({ query: ARTICLE, variables: { slug: draw.zipf(pools.slugs) } }) },
  {
    family: 'list', name: 'country page', share: 0.1, make: (draw, pools) => list({ locationId: draw.zipf(pools.countries) },
      draw.weighted([['PUBLISHED_AT_DESC', 8], ['UPDATED_AT_DESC', 1], ['PUBLISHED_AT_ASC', 1]]), draw.weighted([[20, 7], [10, 2], [50, 1]])),
  },
  {
    family: 'list', name: 'country month', share: 0.05, make: (draw, pools) => {
      // Month windows ending at `now`, the latest the most read.
      const back = draw.zipf(MONTHS_BACK);
      const to = new Date(pools.now.getTime() - back * 30 * DAY_MS + DAY_MS);
      const from = new Date(to.getTime() - 30 * DAY_MS);
      return list({ locationId: draw.zipf(pools.countries), publishedFrom: day(from), publishedTo: day(to) }, 'PUBLISHED_AT_DESC', 20);
    },
  },
  { family: 'list', name: 'tag', share: 0.04, make: (draw, pools) => list({ tag: draw.zipf(pools.tags) }, 'PUBLISHED_AT_DESC', 20) },
  { family: 'list', name: 'search', share: 0.03, make: (draw, pools) => list({ search: draw.zipf(pools.searchTerms) }, 'PUBLISHED_AT_DESC', 20) },
  { family: 'list', name: 'province page', share: 0.03, make: (draw, pools) => list({ locationId: draw.zipf(pools.regions) }, 'PUBLISHED_AT_DESC', 20) },
  {
    family: 'stats', name: 'country by month x group', share: 0.06, make: (draw, pools) => stats(
      { locationId: draw.zipf(pools.countries), periodFrom: day(new Date(pools.now.getTime() - 5 * 365 * DAY_MS)), periodTo: day(pools.now) },
      ['TIME', 'GROUP'], 'COUNTRY', 'MONTH'),
  },
  { family: 'stats', name: 'country by province', share: 0.04, make: (draw, pools) => stats({ locationId: draw.zipf(pools.countries) }, ['REGION'], 'ADMIN1', 'MONTH') },
  { family: 'stats', name: 'province by outcome', share: 0.03, make: (draw, pools) => stats({ locationId: draw.zipf(pools.regions) }, ['OUTCOME'], 'ADMIN1', 'MONTH') },
  { family: 'stats', name: 'town total', share: 0.02, make: (draw, pools) => stats({ locationId: draw.zipf(pools.localities) }, [], 'ADMIN1', 'MONTH') },
];

function list(filter: object, orderBy: string, first: number): object {
  return { query: ARTICLE_LIST, variables: { filter, orderBy, first } };
}

function stats(filter: object, groupBy: string[], regionLevel: string, timeBucket: string): object {
  return { query: CASUALTY_STATS, variables: { filter, groupBy, regionLevel, timeBucket } };
}

/** Midnight UTC of `date`'s day, so nearby draws share one cache entry as a dashboard's would. */
function day(date: Date): string {
  return `${date.toISOString().slice(0, 10)}T00:00:00Z`;
}

/**
 * The stream of read requests for `pools` from `seed`: each call returns the next. Deterministic:
 * the same seed and pools give the same sequence. Throws when a pool a variant draws from is empty.
 */
export function readMix(pools: MixPools, seed: number): () => MixRequest {
  for (const [name, pool] of Object.entries(pools)) {
    if (Array.isArray(pool) && pool.length === 0) throw new Error(`the mix's pool of ${name} is empty: seed the store first`);
  }
  const faker = new SimpleFaker();
  faker.seed(seed);
  const random = () => faker.number.float();
  const samplers = new Map<readonly unknown[], () => number>();
  const draw: Draw = {
    zipf(pool) {
      let sample = samplers.get(pool);
      if (!sample) samplers.set(pool, sample = zipfSampler(pool.length, ZIPF_EXPONENT, random));
      return pool[sample()];
    },
    weighted(choices) {
      let target = random() * choices.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [choice, weight] of choices) if ((target -= weight) < 0) return choice;
      return choices[choices.length - 1][0];
    },
  };
  const variants: [Variant, number][] = VARIANTS.map((variant) => [variant, variant.share]);
  return () => {
    const variant = draw.weighted(variants);
    return { family: variant.family, body: JSON.stringify(variant.make(draw, pools)) };
  };
}
