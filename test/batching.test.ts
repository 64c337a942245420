import { startTestGateway, type TestGateway } from './support/gateway';
import { buildCorpus } from './support/corpus';
import { describeEachEngine } from './support/stores';

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
    // articles, authors, places, parents of places, figures, parts: no query per article or figure.
    expect(fifty).toBeLessThanOrEqual(6);
  });

  it('reads a page of articles with their authors, places and figures\' places in four statements', async () => {
    ctx().db.reset();
    const response = await api.gql(`{ articles(first: 20) { edges { node {
      headline authors { name } locations { name } casualtyFigures { low location { name } }
    } } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.articles.edges[0].node.casualtyFigures[0].location.name).toBeTruthy();
    // The list, then authors and figures together, then the articles' and the figures' places in one.
    expect(ctx().db.statements.map((sql) => /FROM (articles|authors|casualty_figures|locations)\b/.exec(sql)?.[1]).sort())
      .toEqual(['articles', 'authors', 'casualty_figures', 'locations']);
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
}, (t) => buildCorpus(t.store, 60).then(() => undefined));
