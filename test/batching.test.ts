import { startTestGateway, type TestGateway } from './support/gateway';
import { buildCorpus } from './support/corpus';
import { describeEachEngine } from './support/stores';
import { storeId } from './support/ids';
import type { ArticleBundle } from '../src/store/records';

const PAGE = /* GraphQL */ `
  query Page($first: Int!) {
    articles(first: $first) {
      edges { node {
        headline
        authors { name }
        locations { name parent { name } }
        casualtyFigures {
          low
          location { name }
          partOf { group location { name } }
          parts { group }
        }
      } }
    }
  }`;

describeEachEngine('batching', (ctx) => {
  let api: TestGateway;
  beforeAll(async () => { api = await startTestGateway(ctx().store); });
  afterAll(() => api.stop());

  /** Runs the page query and returns how many statements reached the database. */
  async function roundTrips(first: number): Promise<number> {
    ctx().db.reset();
    const response = await api.gql(PAGE, { first });
    expect(response.errors).toBeUndefined();
    expect(response.data.articles.edges).toHaveLength(first);
    expect(response.data.articles.edges[0].node.casualtyFigures).toHaveLength(4);
    return ctx().db.queries;
  }

  it('costs the same few store round-trips for a page of 50 articles as for a page of 5', async () => {
    const five = await roundTrips(5);
    const fifty = await roundTrips(50);
    expect(fifty).toBe(five);
    // The page, what its articles reference, parents of places, parts: no query per article or figure.
    expect(fifty).toBeLessThanOrEqual(4);
  });

  it('reads a page of articles with their authors, places and figures\' places in two statements', async () => {
    ctx().db.reset();
    const response = await api.gql(`{ articles(first: 20) { edges { node {
      headline authors { name } locations { name } casualtyFigures { low location { name } }
    } } } }`);
    expect(response.errors).toBeUndefined();
    const nodes = response.data.articles.edges.map((edge: any) => edge.node);
    expect(nodes[0].casualtyFigures[0].location.name).toBeTruthy();
    expect(nodes.every((node: any) => node.authors.length === 2 && node.locations.length === 2)).toBe(true);
    // The page, then every record its articles reference in one bundle.
    expect(ctx().db.queries).toBe(2);
  });

  it('reads a page without its articles\' bodies, and with them in its two statements when it asks for them', async () => {
    ctx().db.reset();
    const bare = await api.gql(`{ articles(first: 20) { edges { node { headline wordCount } } } }`);
    expect(bare.errors).toBeUndefined();
    expect(bare.data.articles.edges).toHaveLength(20);
    expect(ctx().db.statements).toHaveLength(1);
    expect(ctx().db.statements[0]).not.toMatch(/\bbody\b/);

    ctx().db.reset();
    const full = await api.gql(`{ articles(first: 20) { edges { node { id body paragraphs wordCount authors { name } } } } }`);
    expect(full.errors).toBeUndefined();
    // The page, then what its articles reference and their bodies in one bundle.
    expect(ctx().db.queries).toBe(2);
    const nodes = full.data.articles.edges.map((edge: any) => edge.node);
    const stored = await ctx().store.articlesByIds(nodes.map((node: any) => storeId(node.id)));
    expect(nodes.map((node: any) => [node.body, node.paragraphs])).toEqual(stored.map((article) => [article!.body, [article!.body]]));
    expect(nodes[0].body).toMatch(/^At least \d+ people were killed\.$/);
  });

  it('reads the bodies of listed articles loaded one by one in one statement', async () => {
    const [province] = await ctx().store.locationsByIsoCodes(['TL-1']);
    ctx().db.reset();
    const response = await api.gql(`query($id: ID!) { regionSummary(locationId: $id) { latestArticles(first: 10) { id body } } }`,
      { id: province!.id });
    expect(response.errors).toBeUndefined();
    // The place, the list (without bodies), and every listed article's body together.
    expect(ctx().db.statements.filter((sql) => /\bbody\b/.test(sql))).toHaveLength(1);
    expect(ctx().db.queries).toBe(3);
    const articles = response.data.regionSummary.latestArticles;
    expect(articles.length).toBeGreaterThan(1);
    const stored = await ctx().store.articlesByIds(articles.map((article: any) => storeId(article.id)));
    expect(articles.map((article: any) => article.body)).toEqual(stored.map((article) => article!.body));
  });

  it('reads an article by slug with its authors, places and figures (each with its place) in one statement', async () => {
    ctx().db.reset();
    const response = await api.gql(`query($slug: String!) { article(slug: $slug) {
      headline authors { name } authorNames locations { name } places { name }
      casualtyFigures { low location { name } partOf { group location { name } } restatedBy { id } article { slug } }
    } }`, { slug: 'story-7' });
    expect(response.errors).toBeUndefined();
    const article = response.data.article;
    expect(article.headline).toBe('Story 7');
    expect(article.authorNames).toEqual(['Writer 0', 'Writer 1']);
    expect(article.locations.map((place: any) => place.name)).toEqual(['Town 2', 'Province 2']);
    expect(article.casualtyFigures.map((figure: any) => figure.location?.name ?? null)).toEqual(['Province 2', 'Town 2', 'Province 2', null]);
    expect(article.casualtyFigures[1].partOf).toEqual({ group: 'UNSPECIFIED', location: { name: 'Province 2' } });
    expect(article.casualtyFigures.every((figure: any) => figure.article.slug === 'story-7')).toBe(true);
    // The loaders were primed with the bundle: the figures' wholes, siblings and article need no statement.
    expect(ctx().db.queries).toBe(1);
  });

  it('reads an article by slug without its body, and with it in its one statement when it asks for it', async () => {
    const read = (fields: string) => api.gql(`query($slug: String!) { article(slug: $slug) { ${fields} } }`, { slug: 'story-7' });
    ctx().db.reset();
    const bare = await read('headline authors { name }');
    expect(bare.errors).toBeUndefined();
    expect(bare.data.article.headline).toBe('Story 7');
    expect(ctx().db.statements).toHaveLength(1);
    expect(ctx().db.statements[0]).not.toMatch(/\bbody\b/);

    ctx().db.reset();
    const full = await read('headline body paragraphs authors { name }');
    expect(full.errors).toBeUndefined();
    expect(ctx().db.statements).toHaveLength(1);
    const [stored] = await ctx().store.articlesBySlugs(['story-7']);
    expect(full.data.article.body).toBe(stored!.body);
    expect(full.data.article.paragraphs).toEqual([stored!.body]);
    expect(full.data.article.body).toMatch(/^At least \d+ people were killed\.$/);
  });

  it('answers an unknown slug with null in that one statement', async () => {
    ctx().db.reset();
    const response = await api.gql(`{ article(slug: "no-such-story") { headline authors { name } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.article).toBeNull();
    expect(ctx().db.queries).toBe(1);
  });

  it('bundles records equal to those each kind\'s own read returns', async () => {
    const store = ctx().store;
    const { rows } = await store.listArticles({}, 'PUBLISHED_AT_DESC', { first: 3 });
    const ids = rows.map((article) => article.id);
    const all = { articles: true, authors: true, places: true, figures: true, figurePlaces: true, bodies: true };
    const bundle = await store.articleBundle('slug', rows.map((article) => article.slug), all);
    const byId = <T extends { id: string }>(records: T[]) => [...records].sort((a, b) => Number(a.id) - Number(b.id));
    expect(byId(bundle.articles)).toEqual(byId(await store.articlesByIds(ids) as typeof rows));
    const figures = await store.figuresOfArticles(ids);
    expect(bundle.figures).toEqual(figures.flat().sort((a, b) => Number(a.articleId) - Number(b.articleId)));
    const authorIds = [...new Set(rows.flatMap((article) => article.authorIds))];
    expect(byId(bundle.authors)).toEqual(byId((await store.authorsByIds(authorIds)).filter((author) => author !== null)));
    const placeIds = [...new Set([...rows.flatMap((article) => article.locationIds), ...figures.flat().flatMap((figure) => figure.locationId ?? [])])];
    expect(byId(bundle.places)).toEqual(byId((await store.locationsByIds(placeIds)).filter((place) => place !== null)));
    // The articles' records carry their bodies: no bodies of their own beside them.
    expect(bundle.bodies).toEqual([]);
    // Only the parts asked for: no articles or authors, only the articles' own places, and their bodies.
    const slim = await store.articleBundle('id', ids, { ...all, articles: false, authors: false, figurePlaces: false });
    expect({ ...slim, places: byId(slim.places), bodies: byId(slim.bodies) }).toEqual({
      articles: [], authors: [], figures: bundle.figures,
      places: byId(bundle.places).filter((place) => rows.some((article) => article.locationIds.includes(place.id))),
      bodies: byId(bundle.articles).map(({ id, body }) => ({ id, body })),
    });
  });

  it('builds new loaders for every request, so one request never sees another\'s memo', async () => {
    const [id] = await ctx().store.listArticles({}, 'PUBLISHED_AT_DESC', { first: 1 }).then((page) => page.rows.map((a) => a.id));
    const read = `query($id: ID!) { a: article(id: $id) { headline } b: article(id: $id) { headline } }`;
    ctx().db.reset();
    const [first, second] = await Promise.all([api.gql(read, { id }), api.gql(read, { id })]);
    expect(first.data.a.headline).toBe(second.data.b.headline);
    // One load per request (the two aliases share it), two requests: two loads.
    expect(ctx().db.statements.filter((sql) => sql.includes('FROM articles a WHERE a.id = ANY'))).toHaveLength(2);

    await ctx().db.query(`UPDATE articles SET headline = 'Corrected headline' WHERE id = $1`, [Number(id)]);
    const after = await api.gql(read, { id });
    expect(after.data.a.headline).toBe('Corrected headline');
  });

  describe('bundles that concurrent requests ask for in the same turn', () => {
    const parts = { articles: true, authors: true, places: true, figures: true, figurePlaces: true, bodies: false };
    const slugs = ['story-1', 'story-2', 'story-7', 'story-12', 'story-13'];

    /** A bundle with its authors and places in one order (a bundle holds each once, in no order it promises). */
    const sorted = (bundle: ArticleBundle) => ({
      ...bundle,
      authors: [...bundle.authors].sort((a, b) => Number(a.id) - Number(b.id)),
      places: [...bundle.places].sort((a, b) => Number(a.id) - Number(b.id)),
    });

    it('are read by one statement, each caller getting exactly what a read of its own keys returns', async () => {
      const { store, db } = ctx();
      const alone = [];
      for (const slug of slugs) alone.push(await store.articleBundle('slug', [slug], parts));
      // Two callers' keys overlap (story-2), one asks for a slug no article has.
      const keys = [...slugs.map((slug) => [slug]), ['story-2', 'story-3'], ['no-such-story']];
      db.reset();
      const together = await Promise.all(keys.map((own) => store.articleBundle('slug', own, parts)));
      expect(db.queries).toBe(1);
      expect(together.slice(0, slugs.length).map(sorted)).toEqual(alone.map(sorted));
      expect(sorted(together[slugs.length])).toEqual(sorted(await store.articleBundle('slug', ['story-2', 'story-3'], parts)));
      expect(together[slugs.length + 1]).toEqual({ articles: [], authors: [], places: [], figures: [], bodies: [] });
      // Every caller got its own article's figures, authors and places, and none of another's.
      for (const [i, bundle] of together.slice(0, slugs.length).entries()) {
        expect(bundle.articles.map((article) => article.slug)).toEqual([slugs[i]]);
        expect(bundle.figures).toHaveLength(4);
        expect(bundle.authors.map((author) => author.id).sort()).toEqual([...bundle.articles[0].authorIds].sort());
      }
    });

    it('are read apart when their scopes differ, so an editor\'s read never answers the public', async () => {
      const { store, db } = ctx();
      db.reset();
      const [published, every] = await Promise.all([
        store.articleBundle('slug', ['story-4'], parts),
        store.scoped({ unpublished: true }).articleBundle('slug', ['story-5'], parts),
      ]);
      expect(db.queries).toBe(2);
      expect(published.articles.map((article) => article.slug)).toEqual(['story-4']);
      expect(every.articles.map((article) => article.slug)).toEqual(['story-5']);
    });

    it('are read again for a caller alone when the database refuses another caller\'s slug', async () => {
      const { store } = ctx();
      const [good, bad] = await Promise.allSettled([
        store.articleBundle('slug', ['story-8'], parts),
        store.articleBundle('slug', ['story-\u0000-9'], parts),
      ]);
      expect(good).toEqual({ status: 'fulfilled', value: await store.articleBundle('slug', ['story-8'], parts) });
      expect(bad.status).toBe('rejected');
    });

    it('answer concurrent requests for different articles by slug, each with its own article', async () => {
      const read = `query($slug: String!) { article(slug: $slug) { headline authors { name } locations { name } casualtyFigures { low location { name } } } }`;
      const answers = await Promise.all(slugs.map((slug) => api.gql(read, { slug })));
      for (const [i, answer] of answers.entries()) {
        expect(answer.errors).toBeUndefined();
        expect(answer.data).toEqual((await api.gql(read, { slug: slugs[i] })).data);
        expect(answer.data.article.headline).toBe(`Story ${slugs[i].split('-')[1]}`);
      }
    });
  });

  // Last: it adds two articles (the oldest) and hundreds of authors and places to the corpus.
  it('reads a bundle larger than one row of each part in full, names outside ASCII included', async () => {
    const { store, db } = ctx();
    const authors = await store.insertAuthors(Array.from({ length: 250 }, (_, i) => ({ slug: `byline-${i}`, name: `Reporter Ā${i}`, bio: null })));
    const places = await store.upsertLocations(Array.from({ length: 250 }, (_, i) => ({
      parentId: null, name: `Sawākin ${i}`, kind: 'COUNTRY' as const, isoCode: null, latitude: null, longitude: null,
    })));
    const articleIds = await store.insertArticles([0, 1].map((i) => ({
      slug: `long-roll-${i}`, headline: `A long roll of names ${i}`, standfirst: null, body: 'Names.', publishedAt: new Date(Date.UTC(2000, 0, 1 + i)),
      sourceUrl: null, language: 'en', tags: [], authorIds: authors, locationIds: places,
    })));
    const figureIds = await store.allocateIds('casualty_figures', 300);
    await store.insertFigures(figureIds.map((id, i) => ({
      id, articleId: articleIds[i % 2], position: i, outcome: 'KILLED', group: 'CIVILIANS', low: i + 1, best: i + 1, high: null, qualifier: 'EXACT',
      claimedBy: 'officials', claimantType: 'OFFICIAL', verification: 'REPORTED', quote: `“${i + 1} people were killed in Sawākin ${i % 250}.”`,
      locationId: places[i % 250], periodStart: null, periodEnd: null, partOfId: null,
    } as const)));
    const all = { articles: true, authors: true, places: true, figures: true, figurePlaces: true, bodies: true };
    const byId = <T extends { id: string }>(records: (T | null)[]) => records.filter((r): r is T => r !== null).sort((a, b) => Number(a.id) - Number(b.id));
    db.reset();
    const bundle = await store.articleBundle('id', articleIds, all);
    expect(db.queries).toBe(1);
    expect(byId(bundle.articles)).toEqual(byId(await store.articlesByIds(articleIds)));
    expect(byId(bundle.authors)).toEqual(byId(await store.authorsByIds(authors)));
    expect(byId(bundle.places)).toEqual(byId(await store.locationsByIds(places)));
    expect(bundle.figures).toEqual((await store.figuresOfArticles(articleIds)).flat().sort((a, b) => Number(a.articleId) - Number(b.articleId)));
    expect(bundle.figures).toHaveLength(300);
  });
}, (t) => buildCorpus(t.store, 60).then(() => undefined));
