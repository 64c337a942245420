import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse } from 'graphql';
import { operationCachePolicy } from '../src/http/cache-control';
import { buildSchema } from '../src/schema';

/** A schema with every kind of hint the rule knows, every field resolving to something. */
const TYPE_DEFS = /* GraphQL */ `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Query {
    story: Story
    stories: [Story!]!
    brief: Brief @cacheControl(maxAge: 5)
    secret: Secret
    item: Item
    count: Int
    slow: Int @cacheControl(maxAge: 300)
  }
  type Story { title: String stats: Stats author: Person @cacheControl(inheritMaxAge: true) note: String @cacheControl(maxAge: 2) }
  type Stats @cacheControl(maxAge: 60) { total: Int byRegion: Stats }
  type Person { name: String secret: Secret }
  type Brief { title: String author: Person }
  type Secret @cacheControl(scope: PRIVATE) { value: String }
  union Item = Story | Brief
`;

const resolvers = {
  Query: {
    story: () => ({}), stories: () => [{}, {}], brief: () => ({}), secret: () => ({}), item: () => ({ __typename: 'Brief' }),
    count: () => 1, slow: () => 1,
  },
  Story: { stats: () => ({}), author: () => ({}), title: () => 't', note: () => 'n' },
  Stats: { byRegion: () => ({}), total: () => 1 },
  Person: { secret: () => ({}), name: () => 'p' },
  Brief: { author: () => ({}), title: () => 'b' },
  Secret: { value: () => 's' },
  Item: { __resolveType: (item: { __typename: string }) => item.__typename },
};

const DOCUMENTS = [
  '{ count }',
  '{ slow }',
  '{ story { title } }',
  '{ story { title note } }',
  '{ story { stats { total } } }',
  '{ story { stats { byRegion { total } } } slow }',
  '{ brief { title } }',
  '{ brief { author { name } } }',
  '{ story { author { name } } }',
  '{ brief { ...B } } fragment B on Brief { author { secret { value } } }',
  '{ stories { ... on Story { stats { total } } } }',
  '{ item { ... on Brief { title } } }',
  '{ secret { value } }',
  '{ __typename count }',
];

describe('the cache policy read from the document', () => {
  const schema = makeExecutableSchema({ typeDefs: TYPE_DEFS, resolvers });
  let apollo: ApolloServer;
  beforeAll(async () => {
    apollo = new ApolloServer({ schema, plugins: [ApolloServerPluginCacheControl({ defaultMaxAge: 30 })] });
    await apollo.start();
  });
  afterAll(() => apollo.stop());

  it.each(DOCUMENTS)('equals what Apollo\'s per-field plugin computes for %s', async (query) => {
    const response = await apollo.executeOperation({ query });
    expect(response.body.kind === 'single' && response.body.singleResult.errors).toBeFalsy();
    const policy = operationCachePolicy(schema, parse(query), null, 30);
    const header = policy.maxAge ? `max-age=${policy.maxAge}, ${(policy.scope ?? 'PUBLIC').toLowerCase()}` : 'no-store';
    expect(header).toBe(response.http.headers.get('cache-control'));
  });

  it('picks the named operation of a document with several', () => {
    const document = parse('query A { slow } query B { brief { title } }');
    expect(operationCachePolicy(schema, document, 'A', 30)).toEqual({ maxAge: 300 });
    expect(operationCachePolicy(schema, document, 'B', 30)).toEqual({ maxAge: 5 });
  });

  it('makes the editors\' revision trail private by newsgate\'s own schema hints', () => {
    const newsgate = buildSchema();
    expect(operationCachePolicy(newsgate, parse('{ articles(first: 1) { edges { node { headline } } } }'), null, 30))
      .toEqual({ maxAge: 30 });
    expect(operationCachePolicy(newsgate, parse('{ articles(first: 1) { edges { node { revisions { version } } } } }'), null, 30))
      .toEqual({ maxAge: 30, scope: 'PRIVATE' });
  });
});
