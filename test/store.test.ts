import type { NewArticle } from '../src/store/records';
import type { SqlStore } from '../src/store/sql-store';
import { describeEachEngine } from './support/stores';

/**
 * A small hand-made world: two countries, a province with a district and a town, five articles
 * (one undated) by two authors.
 */
async function buildWorld(store: SqlStore) {
  const [pk, sy] = await store.upsertLocations([
    { parentId: null, name: 'Pakistan', kind: 'COUNTRY', isoCode: 'PK', latitude: 30, longitude: 70 },
    { parentId: null, name: 'Syria', kind: 'COUNTRY', isoCode: 'SY', latitude: 35, longitude: 38 },
  ]);
  const [ba] = await store.upsertLocations([{ parentId: pk, name: 'Balochistan', kind: 'ADMIN1', isoCode: 'PK-BA', latitude: null, longitude: null }]);
  const [qd] = await store.upsertLocations([{ parentId: ba, name: 'Quetta District', kind: 'ADMIN2', isoCode: null, latitude: null, longitude: null }]);
  const [qu] = await store.upsertLocations([{ parentId: qd, name: 'Quetta', kind: 'LOCALITY', isoCode: null, latitude: 30.18, longitude: 67 }]);
  const [ana, ben] = await store.insertAuthors([
    { slug: 'ana', name: 'Ana Ruiz', bio: 'Correspondent' },
    { slug: 'ben', name: 'Ben Okafor', bio: null },
  ]);
  const article = (n: number, over: Partial<NewArticle>): NewArticle => ({
    slug: `a${n}`, headline: `Headline ${n}`, standfirst: null, body: `Body of article ${n}.`,
    publishedAt: new Date(Date.UTC(2024, 0, n)), sourceUrl: `https://example.org/${n}`, language: 'en',
    tags: [], authorIds: [ana], locationIds: [], ...over,
  });
  const articles = await store.insertArticles([
    article(1, { locationIds: [qu], tags: ['attack'], body: 'Suicide bombers struck the city.' }),
    article(2, { locationIds: [ba], authorIds: [ben, ana] }),
    article(3, { locationIds: [sy], authorIds: [ben] }),
    article(4, { locationIds: [pk], tags: ['attack', 'politics'] }),
    article(5, { publishedAt: null, locationIds: [qd] }),
  ]);
  return { pk, sy, ba, qd, qu, ana, ben, articles };
}

describeEachEngine('content store', (ctx) => {
  let world: Awaited<ReturnType<typeof buildWorld>>;
  beforeAll(async () => { world = await buildWorld(ctx().store); });

  describe('batch reads', () => {
    it('resolve in key order with null for unknown or malformed ids, in one round-trip', async () => {
      const { store, db } = ctx();
      db.reset();
      const rows = await store.authorsByIds([world.ben, '999999', world.ana, 'not-an-id', world.ben]);
      expect(rows.map((row) => row?.slug ?? null)).toEqual(['ben', null, 'ana', null, 'ben']);
      expect(db.queries).toBe(1);
    });

    it('find places by ISO code whatever its case', async () => {
      const rows = await ctx().store.locationsByIsoCodes(['pk-ba', 'XX', 'SY']);
      expect(rows.map((row) => row?.name ?? null)).toEqual(['Balochistan', null, 'Syria']);
    });

    it('give articles their authors in byline order and places as carried ids', async () => {
      const [second] = await ctx().store.articlesByIds([world.articles[1]]);
      expect(second?.authorIds).toEqual([world.ben, world.ana]);
      expect(second?.locationIds).toEqual([world.ba]);
      expect(second?.wordCount).toBe(4);
    });
  });

  describe('the place tree', () => {
    it('lists ancestors nearest first and children by name', async () => {
      const [ancestors, none] = await ctx().store.ancestorsOf([world.qu, world.pk]);
      expect(ancestors.map((l) => l.name)).toEqual(['Quetta District', 'Balochistan', 'Pakistan']);
      expect(none).toEqual([]);
      const [children] = await ctx().store.childrenOf([world.ba]);
      expect(children.map((l) => l.name)).toEqual(['Quetta District']);
    });

    it('finds a region and everything below it', async () => {
      const page = await ctx().store.listLocations({ withinId: world.ba }, { first: 10 });
      expect(page.rows.map((l) => l.name)).toEqual(['Balochistan', 'Quetta', 'Quetta District']);
      expect(await ctx().store.countLocations({ withinId: world.pk, kind: 'LOCALITY' })).toBe(1);
    });

    it('finds an existing place instead of storing it twice', async () => {
      const ids = await ctx().store.upsertLocations([
        { parentId: null, name: 'Pakistan', kind: 'COUNTRY', isoCode: 'PK', latitude: 30, longitude: 70 },
        { parentId: world.qd, name: 'Quetta', kind: 'LOCALITY', isoCode: null, latitude: null, longitude: null },
      ]);
      expect(ids).toEqual([world.pk, world.qu]);
      expect(await ctx().store.countLocations({})).toBe(5);
    });

    it('refuses a place that clashes by name with a stored place of another ISO code, storing nothing', async () => {
      await expect(ctx().store.upsertLocations([
        { parentId: null, name: 'Atlantis', kind: 'COUNTRY', isoCode: 'AT', latitude: null, longitude: null },
        { parentId: null, name: 'Pakistan', kind: 'COUNTRY', isoCode: 'PX', latitude: null, longitude: null },
      ])).rejects.toThrow(/"Pakistan" \(COUNTRY, ISO PX\) clashes with a stored place/);
      expect(await ctx().store.locationsByIsoCodes(['AT'])).toEqual([null]);
    });
  });

  describe('article lists', () => {
    const slugs = async (filter: object, order: any = 'PUBLISHED_AT_DESC') =>
      (await ctx().store.listArticles(filter, order, { first: 50 })).rows.map((a) => a.slug);

    it('filter by a region including everything below it', async () => {
      expect(await slugs({ locationId: world.pk })).toEqual(['a4', 'a2', 'a1', 'a5']);
      expect(await slugs({ locationId: world.ba })).toEqual(['a2', 'a1', 'a5']);
      expect(await slugs({ locationId: world.qu })).toEqual(['a1']);
      expect(await slugs({ locationId: world.sy })).toEqual(['a3']);
    });

    it('filter by author, tag, full text and date range', async () => {
      expect(await slugs({ authorId: world.ben })).toEqual(['a3', 'a2']);
      expect(await slugs({ tag: 'attack' })).toEqual(['a4', 'a1']);
      expect(await slugs({ search: 'bomber' })).toEqual(['a1']);
      expect(await slugs({ search: 'headline 3' })).toEqual(['a3']);
      expect(await slugs({ publishedFrom: new Date('2024-01-02T00:00:00Z'), publishedTo: new Date('2024-01-04T00:00:00Z') }))
        .toEqual(['a3', 'a2']);
    });

    it('leave undated articles out of every date range, bounded on one side or both, in lists of any order and in counts', async () => {
      const ranges = [
        { filter: { publishedTo: new Date('2024-01-03T00:00:00Z') }, expected: ['a2', 'a1'] },
        { filter: { publishedFrom: new Date('2024-01-03T00:00:00Z') }, expected: ['a4', 'a3'] },
        { filter: { publishedFrom: new Date('2024-01-01T00:00:00Z'), publishedTo: new Date('2024-01-02T00:00:00Z') }, expected: ['a1'] },
      ];
      for (const { filter, expected } of ranges) {
        expect({ filter, slugs: await slugs(filter) }).toEqual({ filter, slugs: expected });
        expect({ filter, slugs: await slugs(filter, 'PUBLISHED_AT_ASC') }).toEqual({ filter, slugs: [...expected].reverse() });
        expect({ filter, count: await ctx().store.countArticles(filter) }).toEqual({ filter, count: expected.length });
      }
    });

    it('sort undated articles last in both directions', async () => {
      expect(await slugs({}, 'PUBLISHED_AT_DESC')).toEqual(['a4', 'a3', 'a2', 'a1', 'a5']);
      expect(await slugs({}, 'PUBLISHED_AT_ASC')).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    });

    it.each(['PUBLISHED_AT_DESC', 'PUBLISHED_AT_ASC', 'UPDATED_AT_DESC'] as const)(
      'page through %s with cursors, every article once', async (order) => {
        const all = await slugs({}, order);
        const seen: string[] = [];
        let after = null;
        for (;;) {
          const page: any = await ctx().store.listArticles({}, order, { first: 2, after });
          seen.push(...page.rows.map((a: any) => a.slug));
          if (!page.hasNextPage) break;
          after = page.keys.at(-1);
        }
        expect(seen).toEqual(all);
      });

    it('count what the filter matches', async () => {
      expect(await ctx().store.countArticles({ locationId: world.ba })).toBe(3);
      expect(await ctx().store.countArticles({ search: 'nothing-like-this' })).toBe(0);
    });
  });

  describe('figures', () => {
    let ids: string[];
    beforeAll(async () => {
      const store = ctx().store;
      ids = await store.allocateIds('casualty_figures', 3);
      const base = {
        articleId: world.articles[1], outcome: 'KILLED', claimedBy: 'officials', claimantType: 'OFFICIAL',
        verification: 'REPORTED', quote: 'q', periodStart: null, periodEnd: null,
      } as const;
      await store.insertFigures([
        { ...base, id: ids[0], group: 'UNSPECIFIED', low: 10, best: 10, high: null, qualifier: 'AT_LEAST', locationId: world.ba, partOfId: null },
        { ...base, id: ids[1], group: 'CIVILIANS', low: 6, best: 6, high: 6, qualifier: 'EXACT', locationId: world.qu, partOfId: ids[0] },
        { ...base, id: ids[2], group: 'MILITANTS', low: 24, best: null, high: null, qualifier: 'DOZENS', locationId: world.sy,
          partOfId: null, verification: 'UNVERIFIED', claimantType: 'ARMED_GROUP' },
      ]);
    });

    it('link parts to their whole', async () => {
      const [parts, none] = await ctx().store.partsOf([ids[0], ids[1]]);
      expect(parts.map((f) => f.id)).toEqual([ids[1]]);
      expect(none).toEqual([]);
      const [part] = await ctx().store.figuresByIds([ids[1]]);
      expect(part?.partOfId).toBe(ids[0]);
    });

    it('filter by region, group, verification and claimant type', async () => {
      const count = (filter: object) => ctx().store.countFigures(filter);
      expect(await count({ locationId: world.pk })).toBe(2);
      expect(await count({ locationId: world.qd })).toBe(1);
      expect(await count({ group: 'MILITANTS' })).toBe(1);
      expect(await count({ verification: ['CONFIRMED', 'REPORTED'] })).toBe(2);
      expect(await count({ claimantType: ['ARMED_GROUP'] })).toBe(1);
      expect(await count({ articleId: world.articles[0] })).toBe(0);
    });

    it('list each article\'s figures under one filter in one round-trip', async () => {
      const { store, db } = ctx();
      db.reset();
      const lists = await store.figuresOfArticles([world.articles[0], world.articles[1]], { verification: ['REPORTED'] });
      expect(lists.map((list) => list.map((f) => f.id))).toEqual([[], [ids[0], ids[1]]]);
      expect(db.queries).toBe(1);
    });

    it('refuse bounds the wording cannot give', async () => {
      await expect(ctx().store.insertFigures([{
        articleId: world.articles[0], outcome: 'KILLED', group: 'CIVILIANS', low: 10, best: 5, high: null,
        qualifier: 'AT_LEAST', claimedBy: null, claimantType: 'UNKNOWN', verification: 'REPORTED', quote: 'q',
        locationId: null, periodStart: null, periodEnd: null, partOfId: null,
      }])).rejects.toThrow(/casualty_figures_bounds/);
    });
  });
});
