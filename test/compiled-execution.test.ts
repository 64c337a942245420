import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, getIntrospectionQuery, parse } from 'graphql';
import { createApiKey } from '../src/auth/api-keys';
import { CompiledQueries } from '../src/execution/compiled-queries';
import { buildSchema } from '../src/schema';
import { gatewaysOverWorkedExample, type GraphQLResponse, type TestGateway } from './support/gateway';

/**
 * The compiled executor (src/execution/compiled-queries.ts) answers every query exactly as graphql-js
 * does: two gateways over one store, one compiling queries with graphql-jit and one running
 * graphql-js only, are sent the same documents (the documentation's examples and the cases below:
 * errors beside data, masking, abstract types, custom scalars, @skip/@include, @requires, federation,
 * introspection, refused variables), and their answers must be equal, status and body.
 */
const ROOT = join(__dirname, '..');

/** Every operation of every GraphQL example in docs/ and the README, each with its block's fragments. */
function documentedOperations(): [string, string, string | undefined][] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'subgraph.md').map((f) => `docs/${f}`)];
  return files.flatMap((file) => {
    let text = readFileSync(join(ROOT, file), 'utf8');
    if (file === 'README.md') text = text.replace(/^## Running as a subgraph[\s\S]*?(?=^## )/m, '');
    const blocks = [...text.matchAll(/^( *)```graphql\n([\s\S]*?)^\1```/gm)].map(([, indent, block]) => block.replace(new RegExp(`^${indent}`, 'gm'), ''));
    return blocks.flatMap((block, i) => parse(block).definitions
      .filter((definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'query')
      .map((operation, j): [string, string, string | undefined] =>
        [`${file} #${i + 1}.${j + 1}`, block, operation.kind === Kind.OPERATION_DEFINITION ? operation.name?.value : undefined]));
  });
}

const ARTICLE_FIELDS = 'id slug headline status publishedAt paragraphs authors { id name slug } locations { id name isoCode kind } ' +
  'casualtyFigures { id low best high group qualifier location { name } article { id } }';

/** Hand-written cases: [name, document, variables (besides the shared ones)]. */
const CASES: [string, string, Record<string, unknown>?][] = [
  ['an article with its nested lists', `query($id: ID!) { article(id: $id) { ${ARTICLE_FIELDS} } }`],
  ['an article by slug, with aliases and fragments', `query($slug: String) { a: article(slug: $slug) { ...A } b: article(slug: "no-such-article") { ...A } }
    fragment A on Article { id headline byline: authors { name } }`],
  ['a page of articles with counts and cursors', `{ articles(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${ARTICLE_FIELDS} } } } }`],
  ['every connection\'s count', '{ authors(first: 1) { totalCount } locations(first: 1) { totalCount } casualtyFigures(first: 1) { totalCount } }'],
  ['@skip and @include, on fields, fragments and inline fragments', `query($id: ID!, $yes: Boolean!, $no: Boolean!) { article(id: $id) {
    id headline @skip(if: $yes) slug @include(if: $yes) ... on Article @include(if: $no) { body } ...F @skip(if: $no) } }
    fragment F on Article { authors { name } }`, { yes: true, no: false }],
  ['an interface and __typename', `query($id: ID!) { article(id: $id) { __typename ... on NewsItem { id headline } } }`],
  ['custom scalars as arguments and results', `query($id: ID!) { article(id: $id, asOf: "2099-01-01T00:00:00Z") { id publishedAt } }`],
  ['an argument refused while resolving, beside data', '{ authors(first: 1) { totalCount } article(id: "1", slug: "one") { id } }'],
  ['a page size past the maximum', '{ articles(first: 1000) { edges { node { id } } } }'],
  ['a cursor that is not one', '{ articles(first: 1, after: "nonsense") { edges { node { id } } } }'],
  ['a field for editors, asked anonymously', `query($id: ID!) { article(id: $id) { id revisions { version } } }`],
  ['a field for editors, asked by an editor', `query($id: ID!) { article(id: $id) { id revisions { version headline } } }`, { asEditor: true }],
  ['variables of the wrong type', 'query($id: ID!, $first: Int) { article(id: $id) { id } articles(first: $first) { totalCount } }', { first: 'many' }],
  ['a missing required variable', 'query($nothing: ID!) { article(id: $nothing) { id } }'],
  ['an unknown operation name', 'query A { __typename } query B { __typename }', { operationName: 'C' }],
  ['one of two operations by name', 'query A { __typename } query B { authors(first: 1) { totalCount } }', { operationName: 'B' }],
  ['the federation service', '{ _service { sdl } }'],
  ['entities of every kind, with bad representations', `query($representations: [_Any!]!) { _entities(representations: $representations) {
    __typename ... on Article { id headline } ... on Location { id name } ... on Author { id } } }`,
  { representations: [{ __typename: 'Location', isoCode: 'PK' }, { __typename: 'Article', id: '999999' }, { __typename: 'Nope', id: '1' }, { id: '1' }] }],
  ['introspection', getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true })],
  ['a type by name', '{ __type(name: "Article") { name kind fields { name type { name kind ofType { name } } } } }'],
];

describe('the compiled executor', () => {
  const ex = gatewaysOverWorkedExample();
  let compiled: TestGateway;
  let reference: TestGateway;
  let shared: Record<string, unknown>;
  let editor: Record<string, string>;

  beforeAll(async () => {
    reference = await ex.gateway({ compiledQueries: false });
    compiled = await ex.gateway(); // compiling from the first run, as every test gateway does
    editor = { authorization: `Bearer ${(await createApiKey(ex.store, 'Differential', 'editor')).key}` };
    const { data } = await reference.gql('query($id: ID!) { article(id: $id) { slug } }', { id: ex.articleId });
    shared = { id: ex.articleId, slug: data.article.slug };
  });

  /** The answer as a client compares it: status and body, without stack traces (they name the executor's frames). */
  const answer = async (api: TestGateway, query: string, variables: Record<string, unknown>, operationName?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(api.url, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables, operationName }),
    });
    const body = await response.json() as Omit<GraphQLResponse, 'status' | 'headers'>;
    for (const error of body.errors ?? []) delete error.extensions?.stacktrace;
    return { status: response.status, cacheControl: response.headers.get('cache-control'), body };
  };

  const executions = async (api: TestGateway) => {
    const text = await (await fetch(api.url.replace(/\/graphql$/, '/metrics'))).text();
    const count = (executor: string) => Number(new RegExp(`^newsgate_graphql_executions\\{executor="${executor}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    return { compiled: count('compiled'), graphqlJs: count('graphql-js') };
  };

  it.each(CASES)('answers %s as graphql-js does', async (_, query, extra = {}) => {
    const { operationName, asEditor, ...variables } = extra as { operationName?: string; asEditor?: boolean };
    const headers = asEditor ? editor : {};
    const expected = await answer(reference, query, { ...shared, ...variables }, operationName, headers);
    expect(await answer(compiled, query, { ...shared, ...variables }, operationName, headers)).toEqual(expected);
  });

  it.each(documentedOperations())('answers the example %s as graphql-js does', async (_, query, operationName) => {
    const expected = await answer(reference, query, { ...shared, first: 2 }, operationName);
    expect(await answer(compiled, query, { ...shared, first: 2 }, operationName)).toEqual(expected);
  });

  it('compiles a query from its second run, by default', async () => {
    const api = await ex.gateway({ compiledQueries: {} });
    const query = 'query($id: ID!) { article(id: $id) { id headline } }';
    const first = await api.gql(query, { id: ex.articleId });
    expect(await executions(api)).toEqual({ compiled: 0, graphqlJs: 1 });
    expect(await api.gql(query, { id: ex.articleId })).toMatchObject({ status: 200, data: first.data });
    await api.gql(query, { id: ex.articleId });
    expect(await executions(api)).toEqual({ compiled: 2, graphqlJs: 1 });
  });

  it('runs queries compiled, and mutations and refused variables on graphql-js', async () => {
    const before = await executions(compiled);
    await compiled.gql('query($id: ID!) { article(id: $id) { id } }', { id: ex.articleId });
    await compiled.gql('query($id: ID!) { article(id: $id) { id } }', { id: 'not-here' });
    await compiled.gql('query($id: ID!) { article(id: $id) { id } }', { id: 42.5 });
    await compiled.gql('mutation { createArticle(input: { headline: "A draft", body: "Text." }) { id } }', {}, editor);
    expect(await executions(compiled)).toEqual({ compiled: before.compiled + 2, graphqlJs: before.graphqlJs + 2 });
    expect(await executions(reference)).toEqual({ compiled: NaN, graphqlJs: NaN });
  });
});

describe('the compiled queries kept', () => {
  const schema = buildSchema();
  const documents = Array.from({ length: 12 }, (_, i) => parse(`{ a${i}: __typename }`));
  const compiling = (options: ConstructorParameters<typeof CompiledQueries>[1]) => new CompiledQueries(schema, { runsBeforeCompiling: 0, ...options });
  const run = (queries: CompiledQueries, document: (typeof documents)[number]) => queries.execute({
    document, operation: document.definitions[0] as never, contextValue: {},
  });

  it('are at most maxEntries documents, the least recently used forgotten first', async () => {
    const queries = compiling({ maxEntries: 5 });
    for (const document of documents) await run(queries, document);
    expect(queries.size).toBe(5);
    expect(queries.counts).toEqual({ compiled: 12, graphqlJs: 0 });
  });

  it('take at most maxBytes, and still answer a document too large to keep', async () => {
    const queries = compiling({ maxBytes: 10_000 });
    for (const document of documents) expect((await run(queries, document)).data).toEqual({ [`a${documents.indexOf(document)}`]: 'Query' });
    expect(queries.size).toBeLessThan(documents.length);
  });

  it('refuses bounds that are not positive whole numbers, saying which', () => {
    expect(() => new CompiledQueries(schema, { maxEntries: 0 })).toThrow(/maxEntries and maxBytes must be positive whole numbers/);
    expect(() => new CompiledQueries(schema, { runsBeforeCompiling: -1 })).toThrow(/runsBeforeCompiling must be a whole number of at least 0/);
  });
});
