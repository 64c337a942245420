import { SUBGRAPH_SECRET_HEADER } from '../src/http/subgraph';
import { CompositionError, composeSupergraph } from '../tools/supergraph/compose';
import { flagUrlFor, imagesFor, type MediaSubgraph, startMediaSubgraph } from '../tools/supergraph/media-subgraph';
import { FEDERATED_EXAMPLE, SUPERGRAPH_PLAYGROUND_PATH } from '../tools/supergraph/playground';
import { gatewaysOverWorkedExample, type GraphQLResponse, type TestGateway } from './support/gateway';
import { freePort } from './support/processes';
import { type StartRouter, startApolloRouter, startHiveRouter, type TestRouter } from './support/routers';
import { toGlobalId } from '../src/global-ids';

/**
 * newsgate as a Federation 2 subgraph, over the worked example, beside the example media subgraph
 * (tools/supergraph/media-subgraph.ts) that adds `Article.images` and `Location.flagUrl`, run through
 * both routers a team may put in front: Hive Gateway's runtime (The Guild's composer) and Apollo's
 * ApolloGateway (Apollo's composer, from the subgraphs' `_service`). newsgate answers `_service` and
 * `_entities` only to the routers, which send its secret header.
 */

const SECRET = 'router-test-secret';

const SPANNING = /* GraphQL */ `
  query Spanning {
    articles(first: 5) {
      edges { node { id databaseId headline images { url caption credit width height } locations { name isoCode flagUrl } } }
    }
    locations(first: 50) { edges { node { name isoCode flagUrl } } }
    balochistan: location(isoCode: "PK-BA") { name isoCode flagUrl }
  }`;

const PLACES_WITH_FLAGS = /* GraphQL */ `
  query PlacesWithFlags { locations(first: 50) { edges { node { name isoCode flagUrl } } } }`;

const WITH_MEDIA_DOWN = /* GraphQL */ `
  query WithMediaDown {
    articles(first: 5) { edges { node { headline images { url } } } }
    locations(first: 50) { edges { node { name flagUrl } } }
  }`;

/** newsgate's own fields only: a router must answer them exactly as newsgate does. */
const NEWSGATE_QUERIES: [string, string, (articleId: string) => Record<string, unknown>][] = [
  ['the article with its figures, their places and nesting', /* GraphQL */ `
    query Article($id: ID!) {
      article(id: $id) {
        id slug headline standfirst publishedAt language wordCount tags
        authors { id name slug }
        locations { id name kind isoCode parent { id name } ancestors { id name kind isoCode } }
        casualtyFigures {
          id outcome group low best high qualifier claimedBy claimantType verification quote
          location { id name kind ancestors { name } }
          partOf { id outcome best }
          parts { id }
        }
      }
    }`, (id) => ({ id })],
  ['places, paged', /* GraphQL */ `
    query Places {
      locations(first: 5) {
        totalCount
        edges { cursor node { id name kind isoCode latitude longitude parent { id } children { id } } }
        pageInfo { hasNextPage endCursor }
      }
      pakistan: location(isoCode: "PK") { id name children { name } }
    }`, () => ({})],
  ['casualty figures, filtered', /* GraphQL */ `
    query Figures {
      casualtyFigures(first: 50, filter: { outcome: KILLED }) {
        totalCount
        edges { node { id outcome group best claimantType article { id headline } location { name } partOf { id } } }
        pageInfo { hasNextPage }
      }
    }`, () => ({})],
];

interface RouterCase {
  name: string;
  start: StartRouter;
  /** The message of an error for a media subgraph that refuses connections. */
  outageMessage: RegExp;
  /** Whether it sends a place without an ISO code as `{ isoCode: null }` (else it leaves it out). */
  sendsNullKeys: boolean;
}

const ROUTERS: RouterCase[] = [
  { name: 'Hive Gateway', start: startHiveRouter, outageMessage: /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/, sendsNullKeys: false },
  {
    name: 'Apollo Gateway', start: startApolloRouter, sendsNullKeys: true,
    outageMessage: /^request to http:\/\/127\.0\.0\.1:\d+\/ failed, reason: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
  },
];

const t = gatewaysOverWorkedExample();

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> {
  const response = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, ...await response.json() as object };
}

const nodes = (connection: { edges: { node: any }[] }) => connection.edges.map((edge) => edge.node);

describe.each(ROUTERS)('newsgate and the media subgraph through $name', ({ start, outageMessage, sendsNullKeys }) => {
  let newsgate: TestGateway;
  let media: MediaSubgraph;
  let router: TestRouter;

  beforeAll(async () => {
    newsgate = await t.gateway({ http: { subgraphSecret: SECRET } });
    media = await startMediaSubgraph(await freePort());
    router = await start([
      { name: 'newsgate', url: newsgate.url, headers: { [SUBGRAPH_SECRET_HEADER]: SECRET } },
      { name: 'media', url: media.url },
    ]);
  });
  afterAll(async () => {
    await router?.stop();
    await media?.stop();
    await t.stopGateways();
  });

  it('answers one query from both subgraphs: images by article databaseId, flags by ISO code', async () => {
    const { data, errors } = await post(router.url, SPANNING);
    expect(errors).toBeUndefined();
    const [article] = nodes(data.articles);
    expect(article.databaseId).toBe(t.articleId);
    expect(article.id).toBe(toGlobalId('Article', t.articleId));
    expect(article.headline).toMatch(/Balochistan/);
    expect(article.images).toEqual(imagesFor(t.articleId));
    expect(article.locations.length).toBeGreaterThan(0);
    const places = [...article.locations, ...nodes(data.locations)];
    for (const place of places) expect(place.flagUrl).toBe(flagUrlFor(place.isoCode));
    expect(places.filter((place) => place.flagUrl !== null).length).toBeGreaterThan(0);
    expect(data.balochistan).toEqual({ name: 'Balochistan', isoCode: 'PK-BA', flagUrl: flagUrlFor('PK-BA') });
  });

  it('completes the media subgraph\'s places from newsgate by ISO code, sending newsgate its secret', async () => {
    const { data, errors } = await post(router.url, /* GraphQL */ `{ flagsOnFile { isoCode name kind flagUrl } }`);
    expect(errors).toBeUndefined();
    expect(data.flagsOnFile).toEqual([
      { isoCode: 'PK', name: 'Pakistan', kind: 'COUNTRY', flagUrl: flagUrlFor('PK') },
      { isoCode: 'PK-BA', name: 'Balochistan', kind: 'ADMIN1', flagUrl: flagUrlFor('PK-BA') },
      { isoCode: 'AF', name: 'Afghanistan', kind: 'COUNTRY', flagUrl: flagUrlFor('AF') },
      { isoCode: 'IN', name: 'India', kind: 'COUNTRY', flagUrl: flagUrlFor('IN') },
    ]);
  });

  it('sends the media subgraph all of a list\'s places in one _entities request, keyed by ISO code', async () => {
    const before = media.entitiesCalls.length;
    const { data, errors } = await post(router.url, PLACES_WITH_FLAGS);
    expect(errors).toBeUndefined();
    const calls = media.entitiesCalls.slice(before);
    expect(calls).toHaveLength(1);
    const codes = nodes(data.locations).map((place) => place.isoCode).filter((code): code is string => code !== null);
    expect(codes.length).toBeGreaterThan(1);
    expect(calls[0].representations.every((representation) => representation.__typename === 'Location')).toBe(true);
    expect(new Set(calls[0].representations.map((representation) => representation.isoCode).filter(Boolean))).toEqual(new Set(codes));
    expect(calls[0].representations).toHaveLength(sendsNullKeys ? nodes(data.locations).length : codes.length);
  });

  it.each(NEWSGATE_QUERIES)('answers %s exactly as newsgate does', async (_what, query, variables) => {
    const direct = await newsgate.gql(query, variables(t.articleId));
    expect(direct.errors).toBeUndefined();
    const routed = await post(router.url, query, variables(t.articleId));
    expect(routed.errors).toBeUndefined();
    expect(routed.data).toEqual(direct.data);
  });

  // Last: it stops the media subgraph.
  it('keeps newsgate\'s data when the media subgraph is down, with null media fields and an error naming it', async () => {
    const direct = await newsgate.gql(WITH_MEDIA_DOWN.replace(/ images \{ url \}| flagUrl/g, ''));
    await media.stop();
    const { status, data, errors } = await post(router.url, WITH_MEDIA_DOWN);
    expect(status).toBe(200);
    const articles = nodes(data.articles);
    expect(articles.map((article) => article.headline)).toEqual(nodes(direct.data.articles).map((article) => article.headline));
    expect(articles.every((article) => article.images === null)).toBe(true);
    const places = nodes(data.locations);
    expect(places.map((place) => place.name)).toEqual(nodes(direct.data.locations).map((place) => place.name));
    expect(places.every((place) => place.flagUrl === null)).toBe(true);
    expect(errors!.length).toBeGreaterThan(0);
    for (const error of errors!) {
      expect(error.message).toMatch(outageMessage);
      expect(error.extensions).toEqual({ code: 'SUBREQUEST_HTTP_ERROR', serviceName: 'media' });
    }
  });
});

describe('composing the supergraph', () => {
  it('names the subgraph that will not give its SDL, and why', async () => {
    const newsgate = await t.gateway({ http: { subgraphSecret: SECRET } });
    await expect(composeSupergraph([{ name: 'newsgate', url: newsgate.url }]))
      .rejects.toThrow(/^subgraph newsgate \(http:\/\/127\.0\.0\.1:\d+\/graphql\) did not give its SDL: `_service` answer only a federation router/);
  });

  it('lists every composition error', async () => {
    const headers = { [SUBGRAPH_SECRET_HEADER]: SECRET };
    const [one, two] = await Promise.all([t.gateway({ http: { subgraphSecret: SECRET } }), t.gateway({ http: { subgraphSecret: SECRET } })]);
    const failure = await composeSupergraph([{ name: 'one', url: one.url, headers }, { name: 'two', url: two.url, headers }]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CompositionError);
    const { errors, message } = failure as CompositionError;
    expect(errors).toContainEqual(expect.stringMatching(/"Query\.article" is resolved from multiple subgraphs/));
    expect(message).toContain(`(${errors.length} errors)`);
    for (const error of errors) expect(message).toContain(`\n  - ${error}`);
  });
});

describe('the Hive router\'s playground', () => {
  let router: TestRouter;
  let media: MediaSubgraph;

  beforeAll(async () => {
    const newsgate = await t.gateway({ http: { subgraphSecret: SECRET } });
    media = await startMediaSubgraph();
    router = await startHiveRouter([
      { name: 'newsgate', url: newsgate.url, headers: { [SUBGRAPH_SECRET_HEADER]: SECRET } },
      { name: 'media', url: media.url },
    ], { playground: true });
  });
  afterAll(async () => {
    await router?.stop();
    await media?.stop();
  });

  it('serves GraphiQL from the router itself, with the federated query first and no address outside it', async () => {
    const page = await fetch(router.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(2);
    for (const source of sources) expect(source).toMatch(new RegExp(`^(${SUPERGRAPH_PLAYGROUND_PATH}/|data:)`));
    expect(html).not.toMatch(/unpkg\.com|cdnjs|jsdelivr/);
    expect(JSON.parse(html.match(/id="playground-settings">([^<]*)</)![1]!).tabs[0].query).toBe(FEDERATED_EXAMPLE);
    for (const source of sources.filter((source) => source.startsWith('/'))) {
      const asset = await fetch(new URL(source, router.url));
      expect(asset.status).toBe(200);
      expect(await asset.text()).not.toMatch(/https:\/\/(esm\.sh|unpkg\.com|cdn\.jsdelivr\.net)\//);
    }
  });

  it('answers the federated query it opens with', async () => {
    const { data, errors } = await post(router.url, FEDERATED_EXAMPLE);
    expect(errors).toBeUndefined();
    expect(nodes(data.articles)[0].images).toEqual(imagesFor(t.articleId));
  });
});
