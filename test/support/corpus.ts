import type { SqlStore } from '../../src/store/sql-store';

/**
 * Stores `n` articles shaped like real reporting: two authors, two places (a town and its
 * province) and four figures each: a whole with two parts (one in the town) and a claim on its own.
 * Resolves to the article ids, newest first.
 */
export async function buildCorpus(store: SqlStore, n: number): Promise<string[]> {
  const [country] = await store.upsertLocations([{ parentId: null, name: 'Testland', kind: 'COUNTRY', isoCode: 'TL', latitude: null, longitude: null }]);
  const provinces = await store.upsertLocations(Array.from({ length: 5 }, (_, i) => ({
    parentId: country, name: `Province ${i}`, kind: 'ADMIN1' as const, isoCode: `TL-${i}`, latitude: null, longitude: null,
  })));
  const towns = await store.upsertLocations(provinces.map((parentId, i) => ({
    parentId, name: `Town ${i}`, kind: 'LOCALITY' as const, isoCode: null, latitude: null, longitude: null,
  })));
  const authors = await store.insertAuthors(Array.from({ length: 7 }, (_, i) => ({ slug: `writer-${i}`, name: `Writer ${i}`, bio: null })));
  const articleIds = await store.insertArticles(Array.from({ length: n }, (_, i) => ({
    slug: `story-${i}`, headline: `Story ${i}`, standfirst: null, body: `At least ${i + 2} people were killed.`,
    publishedAt: new Date(Date.UTC(2025, 0, 1) + i * 86_400_000), sourceUrl: null, language: 'en', tags: ['test'],
    authorIds: [authors[i % 7], authors[(i + 1) % 7]], locationIds: [towns[i % 5], provinces[i % 5]],
  })));
  const figureIds = await store.allocateIds('casualty_figures', 4 * n);
  await store.insertFigures(articleIds.flatMap((articleId, i) => {
    const [whole, civilians, forces, claim] = figureIds.slice(4 * i, 4 * i + 4);
    const base = {
      articleId, outcome: 'KILLED', claimedBy: 'officials', claimantType: 'OFFICIAL', verification: 'REPORTED',
      quote: `At least ${i + 2} people were killed.`, periodStart: null, periodEnd: null,
    } as const;
    return [
      { ...base, id: whole, position: 0, group: 'UNSPECIFIED', low: i + 2, best: i + 2, high: null, qualifier: 'AT_LEAST', locationId: provinces[i % 5], partOfId: null },
      { ...base, id: civilians, position: 1, group: 'CIVILIANS', low: 1, best: 1, high: null, qualifier: 'AT_LEAST', locationId: towns[i % 5], partOfId: whole },
      { ...base, id: forces, position: 2, group: 'SECURITY_FORCES', low: 1, best: 1, high: null, qualifier: 'AT_LEAST', locationId: provinces[i % 5], partOfId: whole },
      { ...base, id: claim, position: 3, group: 'MILITANTS', low: 24, best: null, high: null, qualifier: 'DOZENS', locationId: null, partOfId: null,
        claimantType: 'ARMED_GROUP', claimedBy: 'a group', verification: 'UNVERIFIED' },
    ];
  }));
  return articleIds.reverse();
}
