import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { Client, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { createApiKey } from '../src/auth/api-keys';
import { buildCorpus } from './support/corpus';
import { gatewaysOverWorkedExample, type TestGateway } from './support/gateway';

/*
 * The graph as client developers meet it: Apollo Client 4 and urql's graphcache, real clients with
 * normalised caches, against the real gateway over HTTP.
 */

const ARTICLES_PAGE = /* GraphQL */ `
  query Page($first: Int!, $after: String) {
    articles(filter: { tag: "test" }, first: $first, after: $after) {
      edges { cursor node { id headline } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const ARTICLE = /* GraphQL */ `
  query Article($id: ID!) { article(id: $id) { id headline standfirst version } }`;

const UPDATE_STANDFIRST = /* GraphQL */ `
  mutation Standfirst($id: ID!, $version: Int!, $standfirst: String!) {
    updateArticle(id: $id, version: $version, input: { standfirst: $standfirst }) { id standfirst version }
  }`;

const world = gatewaysOverWorkedExample();
let api: TestGateway;
let editorHeaders: Record<string, string>;
let articleIds: string[];

beforeAll(async () => {
  articleIds = await buildCorpus(world.store, 7);
  editorHeaders = { authorization: `Bearer ${(await createApiKey(world.store, 'Client desk', 'editor')).key}` };
  api = await world.gateway();
});

/** The headlines of the first `n` articles tagged "test", asked in one page. */
async function firstHeadlines(n: number): Promise<string[]> {
  const { data } = await api.gql(ARTICLES_PAGE, { first: n });
  return data.articles.edges.map((edge: { node: { headline: string } }) => edge.node.headline);
}

describe('Apollo Client 4', () => {
  const client = (headers: Record<string, string> = {}) => new ApolloClient({
    link: new HttpLink({ uri: api.url, headers }),
    cache: new InMemoryCache({
      typePolicies: { Query: { fields: { articles: relayStylePagination(['filter', 'orderBy']) } } },
    }),
  });

  it('walks the articles page by page with relayStylePagination, the cache holding every page in order', async () => {
    const apollo = client();
    // What `query` resolves to is read back from the cache: every page merged so far.
    const seen: number[] = [];
    let after: string | null = null;
    let hasNextPage = true;
    while (hasNextPage) {
      const { data }: { data: any } = await apollo.query<any>({ query: gql(ARTICLES_PAGE), variables: { first: 3, after }, fetchPolicy: 'network-only' });
      seen.push(data.articles.edges.length);
      ({ hasNextPage, endCursor: after } = data.articles.pageInfo);
    }
    const merged = apollo.readQuery<any>({ query: gql(ARTICLES_PAGE), variables: { first: 3 } });
    expect(seen).toEqual([3, 6, 7]);
    expect(merged.articles.edges.map((edge: any) => edge.node.headline)).toEqual(await firstHeadlines(7));
  });

  it('shows an editor\'s mutation in the cached article without asking again', async () => {
    const apollo = client(editorHeaders);
    const id = articleIds[0];
    const { data } = await apollo.query<any>({ query: gql(ARTICLE), variables: { id } });
    const standfirst = `Revised by Apollo Client at ${data.article.version}`;
    await apollo.mutate({ mutation: gql(UPDATE_STANDFIRST), variables: { id, version: data.article.version, standfirst } });
    const cached = apollo.readQuery<any>({ query: gql(ARTICLE), variables: { id } });
    expect(cached.article).toMatchObject({ id: data.article.id, standfirst, version: data.article.version + 1, headline: data.article.headline });
  });
});

describe('urql with graphcache', () => {
  it('is refused with a CSRF message naming the fix when it sends its default GET', async () => {
    const urql = new Client({ url: api.url, exchanges: [fetchExchange] });
    const result = await urql.query(ARTICLE, { id: articleIds[0] }).toPromise();
    expect(result.error?.message).toMatch(/apollo-require-preflight/);
  });

  // urql sends queries as GET by default, without a header Apollo's CSRF prevention accepts; the
  // README tells urql users to send POST (or an `apollo-require-preflight` header), as here.
  const client = (headers: Record<string, string> = {}) => new Client({
    url: api.url,
    preferGetMethod: false,
    fetchOptions: { headers },
    exchanges: [cacheExchange({ resolvers: { Query: { articles: relayPagination() } } }), fetchExchange],
  });

  it('merges the pages of a walk into one list with relayPagination', async () => {
    const urql = client();
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const result = await urql.query(ARTICLES_PAGE, { first: 3, after }).toPromise();
      expect(result.error).toBeUndefined();
      after = result.data.articles.pageInfo.endCursor;
    }
    const merged = await urql.query(ARTICLES_PAGE, { first: 3 }, { requestPolicy: 'cache-only' }).toPromise();
    expect(merged.data.articles.edges.map((edge: any) => edge.node.headline)).toEqual(await firstHeadlines(7));
    expect(merged.data.articles.pageInfo.hasNextPage).toBe(false);
  });

  it('shows an editor\'s mutation in the cached article without asking again', async () => {
    const urql = client(editorHeaders);
    const id = articleIds[1];
    const { data } = await urql.query(ARTICLE, { id }).toPromise();
    const standfirst = `Revised by urql at ${data.article.version}`;
    const mutated = await urql.mutation(UPDATE_STANDFIRST, { id, version: data.article.version, standfirst }).toPromise();
    expect(mutated.error).toBeUndefined();
    const cached = await urql.query(ARTICLE, { id }, { requestPolicy: 'cache-only' }).toPromise();
    expect(cached.data.article).toMatchObject({ id: data.article.id, standfirst, version: data.article.version + 1 });
  });
});
