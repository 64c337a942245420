import { createApiKey } from '../src/auth/api-keys';
import { CachedStore } from '../src/cache/cached-store';
import { MemoryCache } from '../src/cache/memory';
import type { ArticleFilter, ArticleOrder, CasualtyFilter, FigureOrder, NewArticle, NewCasualtyFigure, SortKey } from '../src/store/records';
import type { Queryable } from '../src/store/db';
import type { SqlStore } from '../src/store/sql-store';
import type { ContentStore } from '../src/store/store';
import { startTestGateway, type TestGateway } from './support/gateway';
import { describeEachEngine } from './support/stores';

/**
 * A hand-made world for the filters and orders of issue 20: three authors, five places, eight
 * articles in four languages (a draft, an unpublished one, an undated one), six figures on four
 * dates and none.
 */
async function buildWorld(store: SqlStore, db: Queryable) {
  const [pk, sy, af] = await store.upsertLocations([
    { parentId: null, name: 'Pakistan', kind: 'COUNTRY', isoCode: 'PK', latitude: null, longitude: null },
    { parentId: null, name: 'Syria', kind: 'COUNTRY', isoCode: 'SY', latitude: null, longitude: null },
    { parentId: null, name: 'Afghanistan', kind: 'COUNTRY', isoCode: 'AF', latitude: null, longitude: null },
  ]);
  const [ba] = await store.upsertLocations([{ parentId: pk, name: 'Balochistan', kind: 'ADMIN1', isoCode: 'PK-BA', latitude: null, longitude: null }]);
  const [qu] = await store.upsertLocations([{ parentId: ba, name: 'Quetta', kind: 'LOCALITY', isoCode: null, latitude: null, longitude: null }]);
  const [ana, ben, chen] = await store.insertAuthors([
    { slug: 'ana-ruiz', name: 'Ana Ruiz', bio: null },
    { slug: 'ben-okafor', name: 'Ben Okafor', bio: null },
    { slug: 'chen-wei', name: 'Chen Wei', bio: null },
  ]);
  const article = (slug: string, day: number | null, over: Partial<NewArticle>): NewArticle => ({
    slug, headline: slug, standfirst: null, body: 'Nothing to report.', sourceUrl: null, language: 'en', tags: [],
    publishedAt: day === null ? null : new Date(Date.UTC(2024, 0, day)), authorIds: [ana], locationIds: [], ...over,
  });
  const ids = await store.insertArticles([
    article('flood-quetta', 1, { headline: 'Flood reaches Quetta', body: 'The flood closed roads. Flood water rose.', tags: ['flood', 'weather'], locationIds: [qu] }),
    article('rain-warning', 2, { headline: 'Rain warning issued', body: 'Officials warned of a possible flood.', tags: ['weather'], authorIds: [ben], locationIds: [ba] }),
    article('kabul-market', 3, { headline: 'Market reopens in Kabul', body: 'Traders returned.', language: 'ps', tags: ['economy'], authorIds: [chen], locationIds: [af] }),
    article('damascus-talks', 4, { headline: 'Talks in Damascus', body: 'Delegates met.', language: 'ar', tags: ['politics'], authorIds: [ben, chen], locationIds: [sy] }),
    article('flood-draft', 5, { headline: 'Flood draft', body: 'A flood story not yet out.', tags: ['flood'], locationIds: [qu] }),
    article('withdrawn', 6, { headline: 'Withdrawn story', body: 'Taken down.', language: 'ur', locationIds: [pk] }),
    article('undated-flood', null, { headline: 'Undated flood note', body: 'No date given.', tags: ['flood'], authorIds: [chen], locationIds: [ba] }),
    article('rain-warning-again', 8, { headline: 'Rain warning issued', body: 'Officials warned of a possible flood.', tags: ['weather'], authorIds: [ben], locationIds: [ba] }),
  ]);
  const [floodQuetta, rainWarning, kabulMarket, damascusTalks, floodDraft, withdrawn, undatedFlood, rainWarningAgain] = ids;
  // Bulk loads store published articles; the workflow's states are set as an editor's writes leave them.
  await db.query(`UPDATE articles SET status = CASE id WHEN $1 THEN 'DRAFT' ELSE 'UNPUBLISHED' END WHERE id IN ($1, $2)`,
    [Number(floodDraft), Number(withdrawn)]);
  const figure = (articleId: string, over: Partial<NewCasualtyFigure>): NewCasualtyFigure => ({
    articleId, outcome: 'KILLED', group: 'CIVILIANS', low: 3, best: 3, high: 3, qualifier: 'EXACT', claimedBy: null,
    claimantType: 'UNKNOWN', verification: 'REPORTED', quote: 'q', locationId: null, periodStart: null, periodEnd: null, partOfId: null,
    ...over,
  });
  const figures = await store.insertFigures([
    figure(floodQuetta, { locationId: qu }),
    figure(rainWarning, { outcome: 'INJURED', group: 'SECURITY_FORCES', periodStart: new Date('2023-12-20T00:00:00Z'), locationId: ba }),
    figure(damascusTalks, { outcome: 'ABDUCTED', locationId: sy }),
    figure(undatedFlood, { group: 'MILITANTS', locationId: ba }),
    figure(floodDraft, { locationId: qu }),
    figure(rainWarning, { group: 'SECURITY_FORCES', periodStart: new Date('2024-01-10T00:00:00Z'), locationId: ba }),
  ]);
  return {
    pk, sy, af, ba, qu, ana, ben, chen, figures,
    articles: { floodQuetta, rainWarning, kabulMarket, damascusTalks, floodDraft, withdrawn, undatedFlood, rainWarningAgain },
  };
}

type World = Awaited<ReturnType<typeof buildWorld>>;

const EDITORS = { unpublished: true };

describeEachEngine('filters and orders', (ctx) => {
  let world: World;
  beforeAll(async () => { world = await buildWorld(ctx().store, ctx().db); });

  /** Walks a list page by page (`first` rows each), resolving to every row's slug or id in order. */
  async function walk(list: (after: SortKey | null) => Promise<{ rows: { id: string; slug?: string }[]; keys: SortKey[]; hasNextPage: boolean }>) {
    const seen: string[] = [];
    let after: SortKey | null = null;
    for (;;) {
      const page = await list(after);
      seen.push(...page.rows.map((row) => row.slug ?? row.id));
      if (!page.hasNextPage) return seen;
      after = page.keys.at(-1)!;
    }
  }

  describe('articles', () => {
    const slugs = async (filter: ArticleFilter, order: ArticleOrder = 'PUBLISHED_AT_DESC', store: ContentStore = ctx().store) =>
      (await store.listArticles(filter, order, { first: 50 })).rows.map((a) => a.slug);
    const editors = () => ctx().store.scoped(EDITORS);

    it('lists several articles by id, leaving out unknown ids and what the reader may not see', async () => {
      const { kabulMarket, floodQuetta, floodDraft } = world.articles;
      expect(await slugs({ ids: [kabulMarket, floodQuetta, floodDraft, '999999', 'x'] })).toEqual(['kabul-market', 'flood-quetta']);
      expect(await slugs({ ids: [kabulMarket, floodQuetta, floodDraft] }, 'PUBLISHED_AT_DESC', editors()))
        .toEqual(['flood-draft', 'kabul-market', 'flood-quetta']);
      expect(await slugs({ ids: [] })).toEqual([]);
    });

    it('lists the articles of any of several authors, places (with everything below them) and tags', async () => {
      expect(await slugs({ authorIds: [world.ben, world.chen] }))
        .toEqual(['rain-warning-again', 'damascus-talks', 'kabul-market', 'rain-warning', 'undated-flood']);
      expect(await slugs({ locationIds: [world.ba, world.sy] }))
        .toEqual(['rain-warning-again', 'damascus-talks', 'rain-warning', 'flood-quetta', 'undated-flood']);
      expect(await slugs({ tags: ['economy', 'politics'] })).toEqual(['damascus-talks', 'kabul-market']);
      expect(await ctx().store.countArticles({ tags: ['flood'], authorIds: [world.chen] })).toBe(1);
    });

    it('lists the articles in any of several languages', async () => {
      expect(await slugs({ languages: ['ps', 'ar'] })).toEqual(['damascus-talks', 'kabul-market']);
      expect(await slugs({ languages: ['en'] })).toEqual(['rain-warning-again', 'rain-warning', 'flood-quetta', 'undated-flood']);
      expect(await slugs({ languages: ['ur'] })).toEqual([]);
      expect(await slugs({ languages: ['ur'] }, 'PUBLISHED_AT_DESC', editors())).toEqual(['withdrawn']);
    });

    it('gives editors the articles of the states they ask for, and the public published ones only', async () => {
      expect(await slugs({ status: ['DRAFT'] }, 'PUBLISHED_AT_DESC', editors())).toEqual(['flood-draft']);
      expect(await slugs({ status: ['UNPUBLISHED', 'DRAFT'] }, 'PUBLISHED_AT_DESC', editors())).toEqual(['withdrawn', 'flood-draft']);
      expect(await editors().countArticles({ status: ['PUBLISHED'] })).toBe(6);
      expect(await editors().countArticles({})).toBe(8);
      expect(await slugs({ status: ['DRAFT', 'UNPUBLISHED'] })).toEqual([]);
      expect(await ctx().store.countArticles({ status: ['DRAFT'] })).toBe(0);
    });

    it('orders a search by relevance, headline words first, ties newest id first', async () => {
      expect(await slugs({ search: 'flood' }, 'RELEVANCE')).toEqual(['flood-quetta', 'undated-flood', 'rain-warning-again', 'rain-warning']);
      expect(await slugs({ search: 'flood' }, 'RELEVANCE', editors()))
        .toEqual(['flood-quetta', 'flood-draft', 'undated-flood', 'rain-warning-again', 'rain-warning']);
    });

    it('counts a search\'s matches without a sequential scan of the articles (which reads every search vector)', async () => {
      ctx().db.reset();
      expect(await ctx().store.countArticles({ search: 'flood' })).toBe(4);
      const statements = [...ctx().db.statements];
      // The count's statements replayed, the last one explained, in one transaction as the store runs them.
      const plan = await ctx().db.transaction(async (tx) => {
        for (const sql of statements.slice(0, -1)) await tx.query(sql);
        const { rows } = await tx.query<Record<string, string>>(`EXPLAIN ${statements.at(-1)}`, ['flood']);
        return rows.map((row) => Object.values(row)[0]).join('\n');
      }, { readLane: 'articles' });
      // On 100,000 articles that is a bitmap scan of the search index; on these few, any index will do.
      expect(plan).toMatch(/Index Scan/);
      expect(plan).not.toMatch(/Seq Scan/);
    });

    it('pages a relevance order with its keys, every match once in the same order', async () => {
      const all = await slugs({ search: 'flood OR warning' }, 'RELEVANCE');
      expect(all).toHaveLength(4);
      expect(await walk((after) => ctx().store.listArticles({ search: 'flood OR warning' }, 'RELEVANCE', { first: 1, after }))).toEqual(all);
    });

    it('refuses a relevance order without a search', async () => {
      await expect(ctx().store.listArticles({}, 'RELEVANCE', { first: 5 })).rejects.toThrow(/needs a search/);
    });
  });

  describe('authors', () => {
    const names = async (search: string) => (await ctx().store.listAuthors({ first: 10 }, { search })).rows.map((a) => a.name);

    it('finds authors whose name has a word starting with each word searched, whatever the case', async () => {
      expect(await names('ana')).toEqual(['Ana Ruiz']);
      expect(await names('RU an')).toEqual(['Ana Ruiz']);
      expect(await names('o')).toEqual(['Ben Okafor']);
      expect(await names('uiz')).toEqual([]);
      expect(await names('!!')).toEqual([]);
      expect(await ctx().store.countAuthors({ search: 'c' })).toBe(1);
      expect(await ctx().store.countAuthors()).toBe(3);
    });
  });

  describe('figures', () => {
    const ids = async (filter: CasualtyFilter, order: FigureOrder = 'CODED', store: ContentStore = ctx().store) =>
      (await store.listFigures(filter, { first: 50 }, order)).rows.map((f) => world.figures.indexOf(f.id) + 1);

    it('orders figures by date either way, undated last', async () => {
      expect(await ids({}, 'DATE_DESC')).toEqual([6, 3, 1, 2, 4]);
      expect(await ids({}, 'DATE_ASC')).toEqual([2, 1, 3, 6, 4]);
      expect(await ids({}, 'DATE_DESC', ctx().store.scoped(EDITORS))).toEqual([6, 5, 3, 1, 2, 4]);
      expect(await ids({})).toEqual([1, 2, 3, 4, 6]);
    });

    it('pages figures by date with their keys', async () => {
      for (const order of ['DATE_DESC', 'DATE_ASC'] as const) {
        const all = await walk((after) => ctx().store.listFigures({}, { first: 2, after }, order));
        expect(all.map((id) => world.figures.indexOf(id) + 1)).toEqual(await ids({}, order));
      }
    });

    it('filters figures by their date, never matching undated ones', async () => {
      expect(await ids({ periodFrom: new Date('2024-01-01T00:00:00Z') }, 'DATE_DESC')).toEqual([6, 3, 1]);
      expect(await ids({ periodTo: new Date('2024-01-02T00:00:00Z') })).toEqual([1, 2]);
      expect(await ids({ periodTo: new Date('2024-01-02T00:00:00Z') }, 'DATE_DESC')).toEqual([1, 2]);
      expect(await ids({ periodFrom: new Date('2024-01-02T00:00:00Z') }, 'DATE_ASC')).toEqual([3, 6]);
      expect(await ids({ periodFrom: new Date('2023-12-01T00:00:00Z'), periodTo: new Date('2024-01-04T00:00:00Z') }, 'DATE_ASC')).toEqual([2, 1]);
      expect(await ctx().store.countFigures({ periodFrom: new Date('2024-01-02T00:00:00Z'), periodTo: new Date('2024-01-05T00:00:00Z') })).toBe(1);
    });

    it('filters by several outcomes and groups, and with the single-value fields too', async () => {
      expect(await ids({ outcomes: ['KILLED', 'INJURED'] })).toEqual([1, 2, 4, 6]);
      expect(await ids({ groups: ['SECURITY_FORCES', 'MILITANTS'] })).toEqual([2, 4, 6]);
      expect(await ids({ outcome: 'KILLED', outcomes: ['KILLED', 'ABDUCTED'] })).toEqual([1, 4, 6]);
      expect(await ids({ outcomes: [] })).toEqual([]);
    });
  });

  describe('the read-through cache', () => {
    it('drops a cached filtered list when a write changes what it holds', async () => {
      const cached = new CachedStore(ctx().store.scoped(EDITORS), new MemoryCache(), { scope: EDITORS });
      const before = await cached.listArticles({ status: ['DRAFT'], languages: ['en'] }, 'PUBLISHED_AT_DESC', { first: 10 });
      expect(before.rows.map((a) => a.slug)).toEqual(['flood-draft']);
      const { floodDraft } = world.articles;
      const [draft] = await cached.articlesByIds([floodDraft]);
      await cached.write('test', (writer) => writer.updateArticle(floodDraft, draft!.version, { language: 'ur' }));
      const after = await cached.listArticles({ status: ['DRAFT'], languages: ['en'] }, 'PUBLISHED_AT_DESC', { first: 10 });
      expect(after.rows).toEqual([]);
      await cached.write('test', (writer) => writer.updateArticle(floodDraft, draft!.version + 1, { language: 'en' }));
    });

    it('drops a cached list of several places when a place moves below one of them', async () => {
      const cached = new CachedStore(ctx().store, new MemoryCache());
      const list = async () => (await cached.listArticles({ locationIds: [world.sy, world.qu] }, 'PUBLISHED_AT_DESC', { first: 10 })).rows.map((a) => a.slug);
      expect(await list()).toEqual(['damascus-talks', 'flood-quetta']);
      await cached.write('test', (writer) => writer.updateLocation(world.af, { parentId: world.sy }));
      try {
        expect(await list()).toEqual(['damascus-talks', 'kabul-market', 'flood-quetta']);
      } finally {
        await cached.write('test', (writer) => writer.updateLocation(world.af, { parentId: null }));
      }
    });
  });

  describe('through the gateway', () => {
    let api: TestGateway;
    let editor: Record<string, string>;
    beforeAll(async () => {
      editor = { authorization: `Bearer ${(await createApiKey(ctx().store, 'Desk', 'editor')).key}` };
      api = await startTestGateway(ctx().store);
    });
    afterAll(() => api.stop());

    const ARTICLES = `query($filter: ArticleFilter, $orderBy: ArticleOrder, $first: Int, $after: String) {
      articles(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
        edges { node { slug } } pageInfo { hasNextPage endCursor } totalCount } }`;
    const slugsOf = (response: any): string[] => response.data.articles.edges.map((edge: any) => edge.node.slug);

    it('shows editors their drafts with a status filter, and the public never', async () => {
      const variables = { filter: { status: ['DRAFT'] } };
      const editors = await api.gql(ARTICLES, variables, editor);
      expect(slugsOf(editors)).toEqual(['flood-draft']);
      expect(editors.data.articles.totalCount).toBe(1);
      const anyone = await api.gql(ARTICLES, variables);
      expect(anyone.errors).toBeUndefined();
      expect(slugsOf(anyone)).toEqual([]);
      expect(anyone.data.articles.totalCount).toBe(0);
    });

    it('takes several ids, authors, places, tags and languages in one filter', async () => {
      const { articles: a } = world;
      const response = await api.gql(ARTICLES, { filter: {
        ids: [a.rainWarning, a.damascusTalks, a.kabulMarket, a.floodQuetta], authorIds: [world.ben, world.chen],
        locationIds: [world.pk, world.sy], tags: ['weather', 'politics'], languages: ['en', 'ar'],
      } });
      expect(slugsOf(response)).toEqual(['damascus-talks', 'rain-warning']);
    });

    it('pages a relevance order with cursors that no other order takes', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let cursor: string | null = null;
      for (;;) {
        const response: any = await api.gql(ARTICLES, { filter: { search: 'flood' }, orderBy: 'RELEVANCE', first: 1, after });
        expect(response.errors).toBeUndefined();
        seen.push(...slugsOf(response));
        cursor ??= response.data.articles.pageInfo.endCursor;
        if (!response.data.articles.pageInfo.hasNextPage) break;
        after = response.data.articles.pageInfo.endCursor;
      }
      expect(seen).toEqual(['flood-quetta', 'undated-flood', 'rain-warning-again', 'rain-warning']);
      const other = await api.gql(ARTICLES, { filter: { search: 'flood' }, first: 1, after: cursor });
      expect(other.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(other.errors?.[0].message).toMatch(/another list, ordering or filter/);
    });

    it('refuses a relevance order without a search, and a list of more than 100 values', async () => {
      const unranked = await api.gql(ARTICLES, { orderBy: 'RELEVANCE' });
      expect(unranked.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(unranked.errors?.[0].message).toMatch(/filter\.search/);
      const many = await api.gql(ARTICLES, { filter: { ids: Array.from({ length: 101 }, (_, i) => String(i + 1)) } });
      expect(many.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(many.errors?.[0].message).toMatch(/filter\.ids.*at most 100/);
    });

    it('finds authors by name and refuses a search without letters or digits', async () => {
      const query = `query($search: String) { authors(filter: { search: $search }) { edges { node { name } } totalCount } }`;
      const found = await api.gql(query, { search: 'ben' });
      expect(found.data.authors).toEqual({ edges: [{ node: { name: 'Ben Okafor' } }], totalCount: 1 });
      const refused = await api.gql(query, { search: ' -- ' });
      expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('takes a single outcome or group where a list is expected, in the query text or in a variable', async () => {
      const inline = await api.gql(`{ casualtyFigures(filter: { outcomes: INJURED, groups: SECURITY_FORCES }) { totalCount } }`);
      expect(inline.data.casualtyFigures.totalCount).toBe(1);
      const variable = await api.gql(`query($o: [CasualtyOutcome!]) { casualtyFigures(filter: { outcomes: $o }) { totalCount } }`, { o: 'KILLED' });
      expect(variable.data.casualtyFigures.totalCount).toBe(3);
      const deprecated = await api.gql(`query($o: CasualtyOutcome) { casualtyFigures(filter: { outcome: $o }) { totalCount } }`, { o: 'KILLED' });
      expect(deprecated.data.casualtyFigures.totalCount).toBe(3);
    });

    it('lists figures by date and pages them with cursors of their order', async () => {
      const query = `query($after: String, $from: DateTime) { casualtyFigures(orderBy: DATE_DESC, first: 2, after: $after, filter: { periodFrom: $from }) {
        edges { node { id: databaseId } } pageInfo { hasNextPage endCursor } } }`;
      const first = await api.gql(query, {});
      const second = await api.gql(query, { after: first.data.casualtyFigures.pageInfo.endCursor });
      const order = [...first.data.casualtyFigures.edges, ...second.data.casualtyFigures.edges].map((edge: any) => world.figures.indexOf(edge.node.id) + 1);
      expect(order).toEqual([6, 3, 1, 2]);
      const dated = await api.gql(query, { from: '2024-01-02T00:00:00Z' });
      expect(dated.data.casualtyFigures.edges.map((edge: any) => world.figures.indexOf(edge.node.id) + 1)).toEqual([6, 3]);
      const coded = await api.gql(`query($after: String) { casualtyFigures(after: $after) { totalCount } }`, { after: first.data.casualtyFigures.pageInfo.endCursor });
      expect(coded.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
