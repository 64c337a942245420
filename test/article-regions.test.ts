import fc from 'fast-check';
import type { ArticleStatus, SortKey } from '../src/store/records';
import type { ContentReader } from '../src/store/store';
import { describeEachEngine } from './support/stores';

/**
 * The articles kept by region (migration 0014) stay exactly what the place tree and the articles'
 * places say, whoever writes: after random bulk loads, editorial place changes, places moved under
 * others, places deleted, status and publication time changes, every row equals the one computed
 * from scratch (0016's copy of the publication time included), and `countArticles` and
 * `listArticles` by region answer what the join of every article's places with the region's place
 * tree answers, for the public and for editors, in one page and two at a time from either end.
 */

const STATUSES: ArticleStatus[] = ['PUBLISHED', 'PUBLISHED', 'DRAFT', 'UNPUBLISHED'];

const write = fc.oneof(
  fc.record({ kind: fc.constant('add-articles' as const), places: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 1, maxLength: 4 }), status: fc.constantFrom(...STATUSES) }),
  fc.record({ kind: fc.constant('set-places' as const), target: fc.nat(), places: fc.array(fc.nat(), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('status' as const), target: fc.nat(), status: fc.constantFrom(...STATUSES) }),
  // A day of January 2025 (several articles may share one) or none.
  fc.record({ kind: fc.constant('published-at' as const), target: fc.nat(), day: fc.option(fc.integer({ min: 1, max: 6 })) }),
  fc.record({ kind: fc.constant('move' as const), place: fc.nat(), under: fc.option(fc.nat()) }),
  fc.record({ kind: fc.constant('add-place' as const), under: fc.nat() }),
  fc.record({ kind: fc.constant('delete-place' as const), place: fc.nat() }),
);
type Write = typeof write extends fc.Arbitrary<infer T> ? T : never;

/** The rows as they should be: from every article's places and the place tree, computed afresh. */
const FROM_SCRATCH = `
  SELECT p.ancestor_id AS region, x.article_id AS article, count(*)::int AS places, bool_or(a.status = 'PUBLISHED') AS published,
         max(a.published_at) AS published_at
    FROM article_locations x JOIN location_paths p ON p.descendant_id = x.location_id JOIN articles a ON a.id = x.article_id
   GROUP BY 1, 2 ORDER BY 1, 2`;
const KEPT = `SELECT region_id AS region, article_id AS article, places, published, published_at FROM article_regions ORDER BY 1, 2`;

/** The articles about `place` newest first, read two at a time from the top (or from the bottom, `fromEnd`). */
async function pages(store: ContentReader, place: string, fromEnd: boolean): Promise<string[]> {
  const ids: string[] = [];
  let bound: SortKey | null = null;
  for (;;) {
    const page = await store.listArticles({ locationId: place }, 'PUBLISHED_AT_DESC', fromEnd ? { first: 2, before: bound, fromEnd } : { first: 2, after: bound });
    const got = page.rows.map((article) => article.id);
    if (fromEnd) ids.unshift(...got);
    else ids.push(...got);
    if (!(fromEnd ? page.hasPreviousPage : page.hasNextPage)) return ids;
    bound = (fromEnd ? page.keys[0] : page.keys.at(-1))!;
  }
}

describeEachEngine('articles kept by region (property)', (ctx) => {
  let run = 0;

  it('equal, after random writes of every kind, what the places and the place tree say', async () => {
    const { store, db } = ctx();
    await fc.assert(fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }), async (writes) => {
      run += 1;
      const [country] = await store.upsertLocations([{ parentId: null, name: `Regionland ${run}`, kind: 'COUNTRY', isoCode: null, latitude: null, longitude: null }]);
      const provinces = await store.upsertLocations([0, 1].map((i) => ({ parentId: country, name: `Province ${i}`, kind: 'ADMIN1' as const, isoCode: null, latitude: null, longitude: null })));
      const towns = await store.upsertLocations([0, 1, 2].map((i) => ({ parentId: provinces[i % 2], name: `Town ${i}`, kind: 'LOCALITY' as const, isoCode: null, latitude: null, longitude: null })));
      const places = [country, ...provinces, ...towns];
      const articles: string[] = [];
      let villages = 0;
      const pick = <T>(list: T[], n: number) => list[n % list.length];
      for (const w of writes) await apply(w);

      async function apply(w: Write): Promise<void> {
        if (w.kind === 'add-articles') {
          const n = articles.length;
          articles.push(...await store.insertArticles(w.places.map((chosen, i) => ({
            slug: `regions-${run}-${n + i}`, headline: 'A story', standfirst: null, body: 'Text.', publishedAt: new Date(Date.UTC(2025, 0, 1 + n + i)),
            sourceUrl: null, language: 'en', tags: [], authorIds: [], locationIds: [...new Set(chosen.map((c) => pick(places, c)))], status: w.status,
          }))));
        } else if (w.kind === 'set-places' && articles.length) {
          const id = pick(articles, w.target);
          await store.write('test', async (writer) => {
            const current = (await writer.articleById(id))!;
            await writer.updateArticle(id, current.version, { locationIds: [...new Set(w.places.map((c) => pick(places, c)))] });
          });
        } else if (w.kind === 'status' && articles.length) {
          const id = pick(articles, w.target);
          await store.write('test', async (writer) => {
            const current = (await writer.articleById(id))!;
            await writer.updateArticle(id, current.version, { status: w.status });
          });
        } else if (w.kind === 'published-at' && articles.length) {
          const id = pick(articles, w.target);
          await store.write('test', async (writer) => {
            const current = (await writer.articleById(id))!;
            await writer.updateArticle(id, current.version, { publishedAt: w.day === null ? null : new Date(Date.UTC(2025, 0, w.day)) });
          });
        } else if (w.kind === 'move') {
          const place = pick(places, w.place);
          const under = w.under === null ? null : pick(places, w.under);
          // Moving a place under itself or below it is refused, and leaves everything as it was.
          await store.write('test', (writer) => writer.updateLocation(place, { parentId: under })).catch(() => undefined);
        } else if (w.kind === 'add-place') {
          const created = await store.write('test', (writer) => writer.createLocation({
            parentId: pick(places, w.under), name: `Village ${villages++}`, kind: 'SITE', isoCode: null, latitude: null, longitude: null,
          }));
          places.push(created.value.id);
        } else if (w.kind === 'delete-place' && places.length > 1) {
          const place = pick(places, w.place);
          // Refused while articles or places below refer to it.
          const deleted = await store.write('test', (writer) => writer.deleteLocation(place)).then(() => true, () => false);
          if (deleted) places.splice(places.indexOf(place), 1);
        }
      }

      expect((await db.query(KEPT)).rows).toEqual((await db.query(FROM_SCRATCH)).rows);
      for (const place of places) {
        for (const unpublished of [false, true]) {
          const scoped = store.scoped({ unpublished });
          const { rows } = await db.query<{ id: string }>(
            `SELECT a.id::text AS id FROM articles a
              WHERE ($2 OR a.status = 'PUBLISHED') AND EXISTS (SELECT 1 FROM article_locations x JOIN location_paths p
                ON p.descendant_id = x.location_id WHERE x.article_id = a.id AND p.ancestor_id = $1)
              ORDER BY coalesce(a.published_at, '-infinity') DESC, a.id DESC`, [Number(place), unpublished]);
          const ids = rows.map((row) => row.id);
          expect(await scoped.countArticles({ locationId: place })).toBe(rows.length);
          const page = await scoped.listArticles({ locationId: place }, 'PUBLISHED_AT_DESC', { first: 100 });
          expect(page.rows.map((article) => article.id)).toEqual(ids);
          // Two at a time, from the top and from the bottom: every article once, in the list's order.
          expect(await pages(scoped, place, false)).toEqual(ids);
          expect(await pages(scoped, place, true)).toEqual(ids);
          // In a period: from the 2nd of January (inclusive) to the 5th (exclusive); undated ones never.
          const { rows: inPeriod } = await db.query<{ id: string }>(
            `SELECT a.id::text AS id FROM articles a
              WHERE ($2 OR a.status = 'PUBLISHED') AND a.published_at >= '2025-01-02T00:00:00Z' AND a.published_at < '2025-01-05T00:00:00Z'
                AND EXISTS (SELECT 1 FROM article_locations x JOIN location_paths p
                ON p.descendant_id = x.location_id WHERE x.article_id = a.id AND p.ancestor_id = $1)
              ORDER BY a.published_at DESC, a.id DESC`, [Number(place), unpublished]);
          const period = { locationId: place, publishedFrom: new Date('2025-01-02T00:00:00Z'), publishedTo: new Date('2025-01-05T00:00:00Z') };
          expect((await scoped.listArticles(period, 'PUBLISHED_AT_DESC', { first: 100 })).rows.map((article) => article.id))
            .toEqual(inPeriod.map((row) => row.id));
        }
      }
      // Several regions: an article in two of them is counted once.
      const several = places.slice(0, 3);
      const { rows: [{ n }] } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM articles a WHERE a.status = 'PUBLISHED' AND EXISTS (SELECT 1 FROM article_locations x
           JOIN location_paths p ON p.descendant_id = x.location_id WHERE x.article_id = a.id AND p.ancestor_id = ANY($1::int[]))`,
        [several.map(Number)]);
      expect(await store.countArticles({ locationIds: several })).toBe(n);
    }), { numRuns: 25 });
  });

  it('are emptied with the place tree and built again as it is relinked', async () => {
    const { store, db } = ctx();
    const [country] = await store.upsertLocations([{ parentId: null, name: 'Truncland', kind: 'COUNTRY', isoCode: null, latitude: null, longitude: null }]);
    await store.insertArticles([{ slug: 'truncated-tree', headline: 'A story', standfirst: null, body: 'Text.', publishedAt: null, sourceUrl: null,
      language: 'en', tags: [], authorIds: [], locationIds: [country] }]);
    const paths = (await db.query<Record<string, number>>('SELECT ancestor_id, descendant_id, distance FROM location_paths')).rows;
    await db.exec('TRUNCATE location_paths');
    expect((await db.query(KEPT)).rows).toEqual([]);
    await db.query(`INSERT INTO location_paths (ancestor_id, descendant_id, distance)
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS p (ancestor_id integer, descendant_id integer, distance integer)`, [JSON.stringify(paths)]);
    expect((await db.query(KEPT)).rows).toEqual((await db.query(FROM_SCRATCH)).rows);
    expect(await store.countArticles({ locationId: country })).toBe(1);
  });
});
