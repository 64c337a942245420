import type { Cache } from '../src/cache/cache';
import { MemoryCache } from '../src/cache/memory';
import { RedisCache } from '../src/cache/redis';
import { TwoLevelCache } from '../src/cache/two-level';
import { CachedStore } from '../src/cache/cached-store';
import type { ArticleFilter, ArticleRecord, CasualtyFigureRecord } from '../src/store/records';
import type { ContentStore } from '../src/store/store';
import { buildCorpus } from './support/corpus';
import { PATIENT_TIMEOUT_MS, SHARED_REDIS_URL, dropPrefix, sharedRedisAvailable, uniquePrefix } from './support/redis';
import { type TestDb, openTestStore } from './support/stores';
import type { SqlStore } from '../src/store/sql-store';

let testDb: TestDb & { store: SqlStore };
let inner: SqlStore;
let articleIds: string[];

beforeAll(async () => {
  testDb = await openTestStore('pglite');
  inner = testDb.store;
  articleIds = await buildCorpus(inner, 6);
}, 60_000);
afterAll(() => testDb?.dispose());

const prefixes: string[] = [];
afterAll(() => Promise.all(prefixes.map((prefix) => dropPrefix(prefix))));

function redisCache(): RedisCache {
  const prefix = uniquePrefix('store');
  prefixes.push(prefix);
  return new RedisCache({ url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS });
}

const VARIANTS: [string, () => Promise<Cache>, jest.Describe][] = [
  ['memory', async () => new MemoryCache(), describe],
  ['redis', async () => { const cache = redisCache(); await cache.ready(); return cache; }, sharedRedisAvailable() ? describe : describe.skip],
  ['two-level', async () => { const cache = new TwoLevelCache(redisCache()); await cache.l2.ready(); return cache; }, sharedRedisAvailable() ? describe : describe.skip],
];

/** The article of `id` as stored, whatever its status. */
async function stored(id: string): Promise<ArticleRecord> {
  const [article] = await inner.scoped({ unpublished: true }).articlesByIds([id]);
  return article!;
}

/** The figures of article `id` as stored: [whole, civilians (part of whole), forces (part of whole), claim]. */
async function figuresOf(id: string): Promise<CasualtyFigureRecord[]> {
  const [figures] = await inner.scoped({ unpublished: true }).figuresOfArticles([id]);
  return figures;
}

const ALL_PARTS = { articles: true, authors: true, places: true, figures: true, figurePlaces: true, bodies: true };

/** Publishes or unpublishes article `id` through `store`. */
async function setStatus(store: ContentStore, id: string, status: ArticleRecord['status'], action: 'PUBLISH' | 'UNPUBLISH') {
  const { version } = await stored(id);
  await store.write('tester', (writer) => writer.updateArticle(id, version, { status }, action));
}

for (const [name, makeCache, run] of VARIANTS) {
  run(`CachedStore [${name}]`, () => {
    let cache: Cache;
    let store: CachedStore;
    beforeEach(async () => {
      cache = await makeCache();
      store = new CachedStore(inner, cache);
      testDb.db.reset();
    });
    afterEach(() => cache.close());

    /** Store queries made by `work`. */
    async function queriesOf(work: () => Promise<unknown>): Promise<number> {
      testDb.db.reset();
      await work();
      return testDb.db.queries;
    }

    it('answers a warm read of every kind without a store query, with what the store answers', async () => {
      const [article] = await inner.articlesByIds([articleIds[0]]);
      const figures = await figuresOf(articleIds[0]);
      const [place] = await inner.locationsByIds([article!.locationIds[0]]);
      const [province] = await inner.locationsByIds([place!.parentId!]);
      const reads: [string, (s: ContentStore) => Promise<unknown>][] = [
        ['authorsByIds', (s) => s.authorsByIds(article!.authorIds)],
        ['authorsBySlugs', (s) => s.authorsBySlugs(['writer-1', 'nobody'])],
        ['articlesByIds', (s) => s.articlesByIds([...articleIds, '999999'])],
        ['articlesBySlugs', (s) => s.articlesBySlugs(['story-1', 'story-2'])],
        ['locationsByIds', (s) => s.locationsByIds(article!.locationIds)],
        ['locationsByIsoCodes', (s) => s.locationsByIsoCodes(['tl-1', 'TL'])],
        ['locationsByNames', (s) => s.locationsByNames([place!.name.toUpperCase(), 'Nowhere'])],
        ['figuresByIds', (s) => s.figuresByIds(figures.map((figure) => figure.id))],
        ['childrenOf', (s) => s.childrenOf([province!.parentId!, province!.id])],
        ['ancestorsOf', (s) => s.ancestorsOf([place!.id])],
        ['figuresOfArticles', (s) => s.figuresOfArticles(articleIds)],
        ['figuresOfArticles (filtered)', (s) => s.figuresOfArticles(articleIds, { group: 'CIVILIANS', locationId: province!.id })],
        ['partsOf', (s) => s.partsOf([figures[0].id, figures[1].id])],
        ['articleBundle (by id)', (s) => s.articleBundle('id', articleIds.slice(0, 3), ALL_PARTS)],
        ['articleBundle (by slug)', (s) => s.articleBundle('slug', ['story-1', 'nobody'], ALL_PARTS)],
        ['articleBundle (summaries)', (s) => s.articleBundle('slug', ['story-1', 'nobody'], { ...ALL_PARTS, bodies: false })],
        ['articleBundle (bodies)', (s) => s.articleBundle('id', articleIds.slice(0, 3), { ...ALL_PARTS, articles: false })],
        ['articleBodies', (s) => s.articleBodies([...articleIds.slice(0, 3), '999999'])],
        ['listArticles', (s) => s.listArticles({ tag: 'test' }, 'PUBLISHED_AT_DESC', { first: 3 })],
        ['countArticles', (s) => s.countArticles({ locationId: province!.parentId })],
        ['listAuthors', (s) => s.listAuthors({ first: 5 })],
        ['countAuthors', (s) => s.countAuthors()],
        ['listLocations', (s) => s.listLocations({ kind: 'ADMIN1' }, { first: 10 })],
        ['countLocations', (s) => s.countLocations({})],
        ['listFigures', (s) => s.listFigures({ verification: ['REPORTED'] }, { first: 10 })],
        ['countFigures', (s) => s.countFigures({ outcome: 'KILLED' })],
        ['casualtyStats', (s) => s.casualtyStats({ filter: {}, groupBy: ['GROUP'], regionLevel: 'ADMIN1', timeBucket: 'MONTH' })],
      ];
      for (const [read, call] of reads) {
        const cold = await call(store);
        const warmQueries = await queriesOf(async () => {
          const warm = await call(store);
          expect({ read, warm }).toEqual({ read, warm: cold });
        });
        expect({ read, warmQueries }).toEqual({ read, warmQueries: 0 });
        expect({ read, cold }).toEqual({ read, cold: await call(inner) });
      }
    });

    it('never answers a bundle that asks for bodies with one read without them', async () => {
      const [summary] = (await store.articleBundle('slug', ['story-1'], { ...ALL_PARTS, bodies: false })).articles;
      expect(summary.body).toBeUndefined();
      const [whole] = (await store.articleBundle('slug', ['story-1'], ALL_PARTS)).articles;
      expect(whole.body).toBe((await stored(whole.id)).body);
    });

    it('returns dates as dates, equal to the stored ones', async () => {
      const [cold] = await store.articlesByIds([articleIds[1]]);
      const [warm] = await store.articlesByIds([articleIds[1]]);
      expect(warm!.publishedAt).toBeInstanceOf(Date);
      expect(warm!.updatedAt).toBeInstanceOf(Date);
      expect(warm).toEqual(cold);
      expect(warm!.publishedAt!.getTime()).toBe((await stored(articleIds[1])).publishedAt!.getTime());
    });

    it('loads only the misses of a batch, in one store call', async () => {
      await store.articlesByIds(articleIds.slice(0, 3));
      const spy = jest.spyOn(inner, 'articlesByIds');
      try {
        const all = await store.articlesByIds(articleIds);
        expect(spy.mock.calls).toEqual([[articleIds.slice(3)]]);
        expect(all.map((article) => article!.id)).toEqual(articleIds);
      } finally {
        spy.mockRestore();
      }
    });

    it('shares one entry between list arguments that mean the same', async () => {
      await store.listFigures({ verification: ['REPORTED', 'UNVERIFIED'], group: null }, { first: 10 });
      expect(await queriesOf(() => store.listFigures({ verification: ['UNVERIFIED', 'REPORTED'] }, { first: 10 }))).toBe(0);
      expect(await queriesOf(() => store.listFigures({ verification: ['UNVERIFIED'] }, { first: 10 }))).toBe(1);
    });

    it('loads one cold entity once for 500 concurrent requests', async () => {
      const results = await (async () => {
        testDb.db.reset();
        return Promise.all(Array.from({ length: 500 }, () => store.articlesByIds([articleIds[2]])));
      })();
      expect(testDb.db.queries).toBe(1);
      expect(new Set(results.map(([article]) => article!.headline))).toEqual(new Set([(await stored(articleIds[2])).headline]));
    });

    it('passes a store failure to every caller waiting on that load, and tries again on the next request', async () => {
      const [article] = await inner.articlesByIds([articleIds[0]]);
      const [authorId] = article!.authorIds;
      const spy = jest.spyOn(inner, 'authorsByIds').mockRejectedValueOnce(new Error('database unavailable'));
      try {
        const attempts = await Promise.allSettled([
          store.authorsByIds([authorId, authorId]), store.authorsByIds([authorId]), store.authorsByIds([authorId]),
        ]);
        expect(attempts.map((attempt) => attempt.status === 'rejected' && (attempt.reason as Error).message))
          .toEqual(['database unavailable', 'database unavailable', 'database unavailable']);
        expect(spy).toHaveBeenCalledTimes(1);
        expect((await store.authorsByIds([authorId]))[0]!.id).toBe(authorId);
      } finally {
        spy.mockRestore();
      }
    });

    it('shows an edit on the next read of the article, by id, by slug and in lists', async () => {
      const id = articleIds[3];
      const before = await stored(id);
      await store.articlesByIds([id]);
      await store.articlesBySlugs([before.slug]);
      await store.listArticles({}, 'UPDATED_AT_DESC', { first: 10 });
      const headline = `Edited through ${name}`;
      await store.write('tester', (writer) => writer.updateArticle(id, before.version, { headline }));
      expect((await store.articlesByIds([id]))[0]!.headline).toBe(headline);
      expect((await store.articlesBySlugs([before.slug]))[0]!.headline).toBe(headline);
      expect((await store.listArticles({}, 'UPDATED_AT_DESC', { first: 10 })).rows[0]).toMatchObject({ id, headline });
    });

    it('shows a change to an article, its author, its place or its figure in its bundle on the next read, by id and by slug', async () => {
      const id = articleIds[5];
      const article = await stored(id);
      // One after the other: two first reads at once of entries whose tags Redis has never seen store only one.
      const bundles = async () => [await store.articleBundle('id', [id], ALL_PARTS), await store.articleBundle('slug', [article.slug], ALL_PARTS)];
      const names = async () => (await bundles()).map((bundle) => ({
        headline: bundle.articles[0].headline,
        authors: bundle.authors.map((author) => author.name).sort(),
        places: bundle.places.map((place) => place.name).sort(),
        lows: bundle.figures.map((figure) => figure.low),
      }));
      await bundles();
      expect(await queriesOf(bundles)).toBe(0);
      const [authorId] = article.authorIds;
      const [placeId] = article.locationIds;
      const [figure] = await figuresOf(id);
      await store.write('tester', async (writer) => {
        await writer.updateAuthor(authorId, { name: `Renamed through ${name}` });
        await writer.updateLocation(placeId, { name: `Renamed place through ${name}` });
        await writer.updateArticle(id, article.version, { headline: `Bundled through ${name}` });
        await writer.updateFigure(figure.id, figure.version, { low: 1 });
      });
      for (const seen of await names()) {
        expect(seen.headline).toBe(`Bundled through ${name}`);
        expect(seen.authors).toContain(`Renamed through ${name}`);
        expect(seen.places).toContain(`Renamed place through ${name}`);
        expect(seen.lows[0]).toBe(1);
      }
    });

    it('hides an unpublished article and its figures from the public at once, everywhere, and shows them again when republished', async () => {
      const id = articleIds[4];
      const figures = await figuresOf(id);
      const figureIds = figures.map((figure) => figure.id);
      const read = async () => ({
        article: (await store.articlesByIds([id]))[0]?.id ?? null,
        figures: (await store.figuresByIds(figureIds)).filter(Boolean).length,
        ofArticle: (await store.figuresOfArticles([id]))[0].length,
        parts: (await store.partsOf([figures[0].id]))[0].length,
        articles: await store.countArticles({}),
        allFigures: await store.countFigures({}),
        listed: (await store.listFigures({ articleId: id }, { first: 10 })).rows.length,
      });
      const visible = await read();
      expect(visible).toMatchObject({ article: id, figures: 4, ofArticle: 4, parts: 2, listed: 4 });
      await setStatus(store, id, 'UNPUBLISHED', 'UNPUBLISH');
      expect(await read()).toEqual({
        article: null, figures: 0, ofArticle: 0, parts: 0, articles: visible.articles - 1, allFigures: visible.allFigures - 4, listed: 0,
      });
      await setStatus(store, id, 'PUBLISHED', 'PUBLISH');
      expect(await read()).toEqual(visible);
    });

    it('keeps what editors see apart from what the public sees', async () => {
      const id = articleIds[5];
      const editors = store.scoped({ unpublished: true });
      await setStatus(store, id, 'UNPUBLISHED', 'UNPUBLISH');
      try {
        for (let round = 0; round < 2; round += 1) {
          expect((await editors.articlesByIds([id]))[0]).toMatchObject({ id, status: 'UNPUBLISHED' });
          expect(await store.articlesByIds([id])).toEqual([null]);
        }
      } finally {
        await setStatus(store, id, 'PUBLISHED', 'PUBLISH');
      }
      expect((await store.articlesByIds([id]))[0]).toMatchObject({ id, status: 'PUBLISHED' });
    });

    it('shows a figure moved out of its whole in the whole\'s parts at once', async () => {
      const [whole, civilians] = await figuresOf(articleIds[0]);
      const partsOfWhole = async () => (await store.partsOf([whole.id]))[0].map((figure) => figure.id).sort();
      const before = await partsOfWhole();
      expect(before).toContain(civilians.id);
      await store.write('tester', (writer) => writer.updateFigure(civilians.id, civilians.version, { partOfId: null }));
      expect(await partsOfWhole()).toEqual(before.filter((figureId) => figureId !== civilians.id));
      expect((await store.figuresByIds([civilians.id]))[0]!.partOfId).toBeNull();
      const moved = (await figuresOf(articleIds[0]))[1];
      await store.write('tester', (writer) => writer.updateFigure(civilians.id, moved.version, { partOfId: whole.id }));
      expect(await partsOfWhole()).toEqual(before);
    });

    /** Statistics of one region (null: everywhere), killed by group, as a dashboard asks them. */
    const statsIn = (s: ContentStore, locationId: string | null) =>
      s.casualtyStats({ filter: { locationId, outcome: ['KILLED'] }, groupBy: ['GROUP'], regionLevel: 'ADMIN1', timeBucket: 'MONTH' });

    /** The town, province and country of article `id`'s part in a town, and the province of another article. */
    async function regionsOf(id: string, otherId: string) {
      const [, civilians] = await figuresOf(id);
      const [town] = await inner.locationsByIds([civilians.locationId!]);
      const [province] = await inner.locationsByIds([town!.parentId!]);
      const [otherWhole] = await figuresOf(otherId);
      return { town: town!.id, province: province!.id, country: province!.parentId!, elsewhere: otherWhole.locationId! };
    }

    it('drops the statistics of the places a write reaches and of every place above them, and keeps the others', async () => {
      const { town, province, country, elsewhere } = await regionsOf(articleIds[2], articleIds[3]);
      expect(new Set([town, province, country, elsewhere]).size).toBe(4);
      const regions = [town, province, country, elsewhere, null];
      const loads = jest.spyOn(inner, 'casualtyStats');
      const [, civilians] = await figuresOf(articleIds[2]);
      try {
        for (const region of regions) await statsIn(store, region);
        loads.mockClear();
        for (const region of regions) await statsIn(store, region);
        expect(loads).not.toHaveBeenCalled();

        await store.write('tester', (writer) => writer.updateFigure(civilians.id, civilians.version, { low: 4, best: 4 }));
        const after = [];
        for (const region of regions) after.push(await statsIn(store, region));
        const reloaded = loads.mock.calls.map(([query]) => query.filter.locationId ?? null);
        expect(reloaded).toEqual([town, province, country, null]);
        for (const [i, region] of regions.entries()) expect(after[i]).toEqual(await statsIn(inner, region));
        expect(after[0].buckets).toContainEqual(expect.objectContaining({ group: 'CIVILIANS', low: 4 }));
      } finally {
        loads.mockRestore();
        const [, changed] = await figuresOf(articleIds[2]);
        await store.write('tester', (writer) => writer.updateFigure(changed.id, changed.version, { low: 1, best: 1 }));
      }
    });

    it('keeps every statistic and figure through an edit of an article\'s text alone, and drops them when its date or a figure changes', async () => {
      const id = articleIds[2];
      const { town, province, country, elsewhere } = await regionsOf(id, articleIds[3]);
      const regions = [town, province, country, elsewhere, null];
      const [, civilians] = await figuresOf(id);
      const original = await stored(id);
      const statsLoads = jest.spyOn(inner, 'casualtyStats');
      const figureLoads = jest.spyOn(inner, 'figuresByIds');
      /** Reads every region's statistics and the figure through the cache: what it read from the store, and that the statistics are the store's. */
      const reloaded = async () => {
        statsLoads.mockClear();
        figureLoads.mockClear();
        const answers = [];
        for (const region of regions) answers.push(await statsIn(store, region));
        await store.figuresByIds([civilians.id]);
        const read = { stats: statsLoads.mock.calls.map(([query]) => query.filter.locationId ?? null), figure: figureLoads.mock.calls.length };
        for (const [i, region] of regions.entries()) expect({ region, answer: answers[i] }).toEqual({ region, answer: await statsIn(inner, region) });
        return read;
      };
      try {
        await reloaded();
        expect(await reloaded()).toEqual({ stats: [], figure: 0 });

        await store.write('tester', (writer) => writer.updateArticle(id, original.version, { standfirst: 'Revised for the test.', tags: [...original.tags, 'revised'] }));
        expect(await reloaded()).toEqual({ stats: [], figure: 0 });
        expect((await store.articlesByIds([id]))[0]).toMatchObject({ standfirst: 'Revised for the test.' });

        const dated = await stored(id);
        await store.write('tester', (writer) => writer.updateArticle(id, dated.version, { publishedAt: new Date(dated.publishedAt!.getTime() - 86_400_000) }));
        expect(await reloaded()).toEqual({ stats: [town, province, country, null], figure: 1 });

        const [, figure] = await figuresOf(id);
        const both = await stored(id);
        await store.write('tester', async (writer) => {
          await writer.updateArticle(id, both.version, { headline: `${both.headline} (updated)` });
          await writer.updateFigure(figure.id, figure.version, { low: 4, best: 4 });
        });
        expect(await reloaded()).toEqual({ stats: [town, province, country, null], figure: 1 });
      } finally {
        statsLoads.mockRestore();
        figureLoads.mockRestore();
        const [, changed] = await figuresOf(id);
        const now = await stored(id);
        await store.write('tester', async (writer) => {
          await writer.updateArticle(id, now.version, { standfirst: original.standfirst, tags: original.tags, publishedAt: original.publishedAt, headline: original.headline });
          await writer.updateFigure(changed.id, changed.version, { low: civilians.low, best: civilians.best });
        });
      }
    });

    it('keeps the statistics that count both a figure\'s old and new verification through its confirmation, and drops the others (all of them for a background figure\'s)', async () => {
      const id = articleIds[2];
      const { town, province, country, elsewhere } = await regionsOf(id, articleIds[3]);
      const [, civilians] = await figuresOf(id);
      expect(civilians.verification).toBe('REPORTED');
      const label = (region: string | null) => ({ [town]: 'town', [province]: 'province', [country]: 'country', [elsewhere]: 'elsewhere' })[region ?? ''] ?? 'everywhere';
      /** Every region's statistics as counted by default, grouped by verification, and of reported figures alone. */
      const questions = [town, province, country, elsewhere, null].flatMap((locationId) => [
        { name: `${label(locationId)} counted`, filter: { locationId }, groupBy: ['GROUP' as const] },
        { name: `${label(locationId)} by verification`, filter: { locationId }, groupBy: ['VERIFICATION' as const] },
        { name: `${label(locationId)} reported only`, filter: { locationId, verification: ['REPORTED' as const] }, groupBy: ['GROUP' as const] },
      ]);
      const loads = jest.spyOn(inner, 'casualtyStats');
      /** The questions the cache sent to the store, each answer checked against the store's own. */
      const reloaded = async () => {
        loads.mockClear();
        const answers = [];
        for (const { filter, groupBy } of questions) answers.push(await store.casualtyStats({ filter, groupBy, regionLevel: 'ADMIN1', timeBucket: 'MONTH' }));
        const read = loads.mock.calls.map(([query]) => questions.find((question) => question.filter === query.filter)!.name);
        for (const [i, { name, filter, groupBy }] of questions.entries()) {
          expect({ name, answer: answers[i] }).toEqual({ name, answer: await inner.casualtyStats({ filter, groupBy, regionLevel: 'ADMIN1', timeBucket: 'MONTH' }) });
        }
        return read;
      };
      const verify = async (verification: CasualtyFigureRecord['verification'], patch: Partial<CasualtyFigureRecord> = {}) => {
        const [current] = await figuresOf(id).then((figures) => figures.filter((figure) => figure.id === civilians.id));
        await store.write('tester', (writer) => writer.updateFigure(current.id, current.version, { verification, ...patch }));
      };
      const notCountingBoth = [town, province, country, null].flatMap((region) => [`${label(region)} by verification`, `${label(region)} reported only`]);
      try {
        await reloaded();
        expect(await reloaded()).toEqual([]);

        await verify('CONFIRMED');
        expect((await reloaded()).sort()).toEqual([...notCountingBoth].sort());
        expect((await store.figuresByIds([civilians.id]))[0]).toMatchObject({ verification: 'CONFIRMED' });

        await verify('UNVERIFIED');
        expect((await reloaded()).sort()).toEqual([...notCountingBoth, ...[town, province, country, null].map((region) => `${label(region)} counted`)].sort());

        await verify('REPORTED', { background: true });
        await reloaded();
        // A background figure is reported left out under its verification: every answer that reads it changes.
        await verify('CONFIRMED');
        expect((await reloaded()).sort()).toEqual([town, province, country, null].flatMap((region) => questions.filter((q) => q.name.startsWith(`${label(region)} `)).map((q) => q.name)).sort());
      } finally {
        loads.mockRestore();
        await verify('REPORTED', { background: false });
      }
    });

    it('keeps article counts through writes to figures and to an article\'s text (a search\'s through its standfirst only), and drops them when what a filter reads changes', async () => {
      const id = articleIds[2];
      const original = await stored(id);
      const [, verified] = await figuresOf(id);
      const word = original.headline.split(/\W+/).find((w) => w.length > 3)!;
      const tag = `counted-${name}-${Date.now()}`;
      const filters: ArticleFilter[] = [{}, { tag: original.tags[0] }, { authorId: original.authorIds[0] }, { tag }, { search: word }];
      const loads = jest.spyOn(inner, 'countArticles');
      /** Every filter's count through the cache: which filters it counted in the store, and that each count is the store's. */
      const recounted = async () => {
        loads.mockClear();
        const counts = [];
        for (const filter of filters) counts.push(await store.countArticles(filter));
        const read = loads.mock.calls.map(([filter]) => filters.indexOf(filter));
        for (const [i, filter] of filters.entries()) expect({ filter, count: counts[i] }).toEqual({ filter, count: await inner.countArticles(filter) });
        return { read, tagged: counts[3] };
      };
      try {
        await recounted();
        expect(await recounted()).toEqual({ read: [], tagged: 0 });

        // A search reads the headline and body, not the standfirst.
        await store.write('tester', (writer) => writer.updateArticle(id, original.version, { standfirst: 'Counted again?' }));
        expect(await recounted()).toEqual({ read: [], tagged: 0 });

        const revised = await stored(id);
        await store.write('tester', (writer) => writer.updateArticle(id, revised.version, { headline: `${original.headline}!` }));
        expect(await recounted()).toEqual({ read: [4], tagged: 0 });

        const [, figure] = await figuresOf(id);
        // Turned, never set to what it is: a write that changes nothing would prove nothing.
        const turned = figure.verification === 'CONFIRMED' ? 'REPORTED' : 'CONFIRMED';
        await store.write('tester', (writer) => writer.updateFigure(figure.id, figure.version, { verification: turned }));
        expect(await recounted()).toEqual({ read: [], tagged: 0 });

        const edited = await stored(id);
        await store.write('tester', (writer) => writer.updateArticle(id, edited.version, { tags: [...edited.tags, tag] }));
        expect(await recounted()).toEqual({ read: [0, 1, 2, 3, 4], tagged: 1 });
      } finally {
        loads.mockRestore();
        const [, figure] = await figuresOf(id);
        const now = await stored(id);
        await store.write('tester', async (writer) => {
          await writer.updateArticle(id, now.version, { standfirst: original.standfirst, headline: original.headline, tags: original.tags });
          await writer.updateFigure(figure.id, figure.version, { verification: verified.verification });
        });
      }
    });

    it('keeps article list pages through a write of figures alone, and still shows the figure\'s change by slug and by id', async () => {
      const id = articleIds[2];
      const article = await stored(id);
      const [, figure] = await figuresOf(id);
      const parts = { ...ALL_PARTS, bodies: false };
      const pages = jest.spyOn(inner, 'listArticles');
      const page = () => store.listArticles({}, 'PUBLISHED_AT_DESC', { first: 10 });
      const verificationIn = async (by: 'id' | 'slug') => {
        const bundle = await store.articleBundle(by, [by === 'id' ? id : article.slug], parts);
        return bundle.figures.find((f) => f.id === figure.id)?.verification;
      };
      const next = figure.verification === 'CONFIRMED' ? 'REPORTED' : 'CONFIRMED';
      try {
        const before = await page();
        await verificationIn('id');
        await verificationIn('slug');
        pages.mockClear();

        await store.write('tester', (writer) => writer.updateFigure(figure.id, figure.version, { verification: next }));
        expect(await page()).toEqual(before);
        expect(pages).not.toHaveBeenCalled();
        expect(await verificationIn('id')).toBe(next);
        expect(await verificationIn('slug')).toBe(next);

        expect(before.rows.map((row) => row.id)).toContain(id);
        await store.write('tester', (writer) => writer.updateArticle(id, article.version, { standfirst: 'Listed anew.' }));
        expect((await page()).rows.find((row) => row.id === id)!.standfirst).toBe('Listed anew.');
        expect(pages).toHaveBeenCalledTimes(1);
      } finally {
        pages.mockRestore();
        const [, changed] = await figuresOf(id);
        const now = await stored(id);
        await store.write('tester', async (writer) => {
          await writer.updateArticle(id, now.version, { standfirst: article.standfirst });
          await writer.updateFigure(changed.id, changed.version, { verification: figure.verification });
        });
      }
    });

    it('keeps an article read by slug through writes to other articles, drops it on a write to its own, and follows a slug that moves', async () => {
      const [edited, other] = await Promise.all([stored(articleIds[1]), stored(articleIds[4])]);
      const [figure] = await figuresOf(edited.id);
      const parts = { ...ALL_PARTS, bodies: false };
      const bySlug = async (slug: string) => {
        const [article] = await store.articlesBySlugs([slug]);
        const bundle = await store.articleBundle('slug', [slug], parts);
        return { id: article?.id ?? null, standfirst: article?.standfirst ?? null, bundled: bundle.articles.map((a) => a.id),
          verification: bundle.figures.find((f) => f.id === figure.id)?.verification };
      };
      const next = figure.verification === 'CONFIRMED' ? 'REPORTED' : 'CONFIRMED';
      const moved = `${edited.slug}-moved`;
      try {
        const before = await bySlug(other.slug);
        await bySlug(edited.slug);

        await store.write('tester', (writer) => writer.updateArticle(edited.id, edited.version, { standfirst: 'Read by slug anew.' }));
        expect(await queriesOf(() => bySlug(other.slug))).toBe(0);
        expect(await bySlug(edited.slug)).toMatchObject({ id: edited.id, standfirst: 'Read by slug anew.' });

        await store.write('tester', (writer) => writer.updateFigure(figure.id, figure.version, { verification: next }));
        expect(await queriesOf(() => bySlug(other.slug))).toBe(0);
        expect(await bySlug(edited.slug)).toMatchObject({ verification: next });

        const { version } = await stored(edited.id);
        await store.write('tester', (writer) => writer.updateArticle(edited.id, version, { slug: moved }));
        expect(await bySlug(edited.slug)).toEqual({ id: null, standfirst: null, bundled: [], verification: undefined });
        expect(await bySlug(moved)).toMatchObject({ id: edited.id, bundled: [edited.id] });
        expect(await bySlug(other.slug)).toEqual(before);
      } finally {
        const [changed] = await figuresOf(edited.id);
        const now = await stored(edited.id);
        await store.write('tester', async (writer) => {
          await writer.updateArticle(edited.id, now.version, { slug: edited.slug, standfirst: edited.standfirst });
          await writer.updateFigure(changed.id, changed.version, { verification: figure.verification });
        });
      }
    });

    it('keeps statistics right when an article is unpublished and published again, and when a figure moves', async () => {
      const id = articleIds[2];
      const { town, province, country, elsewhere } = await regionsOf(id, articleIds[3]);
      const regions = [town, province, country, elsewhere, null];
      /** Every region's statistics through the cache, checked against the store's own answer. */
      const read = async () => {
        const answers = new Map<string | null, Awaited<ReturnType<typeof statsIn>>>();
        for (const region of regions) {
          const answer = await statsIn(store, region);
          expect({ region, answer }).toEqual({ region, answer: await statsIn(inner, region) });
          answers.set(region, answer);
        }
        return answers;
      };
      const figuresIn = (answers: Map<string | null, { total: { figures: number } }>, region: string | null) => answers.get(region)!.total.figures;
      const published = await read();

      await setStatus(store, id, 'UNPUBLISHED', 'UNPUBLISH');
      const unpublished = await read();
      expect(figuresIn(unpublished, town)).toBe(figuresIn(published, town) - 1);
      expect(figuresIn(unpublished, province)).toBe(figuresIn(published, province) - 3);
      expect(figuresIn(unpublished, elsewhere)).toBe(figuresIn(published, elsewhere));
      await setStatus(store, id, 'PUBLISHED', 'PUBLISH');
      expect(await read()).toEqual(published);

      const [, civilians] = await figuresOf(id);
      const moveTo = async (locationId: string) => {
        const [current] = await store.scoped({ unpublished: true }).figuresByIds([civilians.id]);
        await store.write('tester', (writer) => writer.updateFigure(civilians.id, current!.version, { locationId }));
      };
      await moveTo(elsewhere);
      const moved = await read();
      expect(figuresIn(moved, town)).toBe(figuresIn(published, town) - 1);
      expect(figuresIn(moved, elsewhere)).toBe(figuresIn(published, elsewhere) + 1);
      await moveTo(town);
      expect(await read()).toEqual(published);
    });

    it('finds a new author by slug and in counts right after a bulk insert, though its absence was cached', async () => {
      const slug = `new-writer-${name}-${Date.now()}`;
      expect(await store.authorsBySlugs([slug])).toEqual([null]);
      const count = await store.countAuthors();
      const [id] = await store.insertAuthors([{ slug, name: 'New Writer', bio: null }]);
      expect(await store.authorsBySlugs([slug])).toEqual([{ id, slug, name: 'New Writer', bio: null }]);
      expect(await store.countAuthors()).toBe(count + 1);
    });
  });
}
