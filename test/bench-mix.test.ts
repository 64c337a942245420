import { SimpleFaker } from '@faker-js/faker';
import { type MixPools, VARIANTS, readMix, zipfSampler } from '../tools/bench/mixed-mix';

const pools: MixPools = {
  slugs: Array.from({ length: 1000 }, (_, k) => `article-${k}`),
  countries: ['c1', 'c2', 'c3'],
  regions: ['r1', 'r2'],
  localities: ['l1', 'l2', 'l3', 'l4'],
  tags: ['flood', 'attack'],
  searchTerms: ['killed', 'injured'],
  now: new Date('2026-11-01T00:00:00Z'),
};

function draws(seed: number, n: number): string[] {
  const next = readMix(pools, seed);
  return Array.from({ length: n }, () => next().body);
}

/** H(n) = 1 + 1/2 + … + 1/n: rank k of n is drawn 1/(k·H(n)) of the time with exponent 1. */
function harmonic(n: number): number {
  let sum = 0;
  for (let k = 1; k <= n; k++) sum += 1 / k;
  return sum;
}

describe('the mixed-load read mix', () => {
  it('sends the same requests in the same order for the same seed, and others for another seed', () => {
    expect(draws(7, 2000)).toEqual(draws(7, 2000));
    expect(draws(8, 2000)).not.toEqual(draws(7, 2000));
  });

  it('draws ranks as Zipf\'s law says: the first 1/H(n) of the time, the second half as often', () => {
    const faker = new SimpleFaker();
    faker.seed(1);
    const draw = zipfSampler(1000, 1, () => faker.number.float());
    const counts = new Array<number>(1000).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[draw()]++;
    const h = harmonic(1000);
    expect(counts[0] / n).toBeCloseTo(1 / h, 2);
    expect(counts[1] / counts[0]).toBeCloseTo(0.5, 1);
    expect(counts.slice(0, 10).reduce((a, b) => a + b) / n).toBeCloseTo(harmonic(10) / h, 2);
    expect(counts[999]).toBeGreaterThan(0);
  });

  it('asks for articles, lists and statistics in their shares, the newest article most', () => {
    const bodies = draws(1, 20_000).map((body) => JSON.parse(body) as { query: string; variables: { slug?: string } });
    const share = (word: string) => bodies.filter((body) => body.query.includes(word)).length / bodies.length;
    const expected = (family: string) => VARIANTS.filter((variant) => variant.family === family).reduce((sum, variant) => sum + variant.share, 0);
    expect(share('article(slug')).toBeCloseTo(expected('article'), 1);
    expect(share('articles(filter')).toBeCloseTo(expected('list'), 1);
    expect(share('casualtyStats(')).toBeCloseTo(expected('stats'), 1);
    const slugs = bodies.flatMap((body) => body.variables.slug ?? []);
    const top = slugs.filter((slug) => slug === 'article-0').length;
    expect(top).toBeGreaterThan(slugs.filter((slug) => slug === 'article-1').length);
    expect(top / slugs.length).toBeCloseTo(1 / harmonic(1000), 1);
  });

  it('refuses an empty pool, which would make every draw of it undefined', () => {
    expect(() => readMix({ ...pools, tags: [] }, 1)).toThrow('pool of tags is empty');
  });
});
