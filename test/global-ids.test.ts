import { parse } from 'graphql';
import { createApiKey } from '../src/auth/api-keys';
import { operationCost } from '../src/http/query-cost';
import { parseGlobalId, toGlobalId, unclassifiedIdArguments } from '../src/global-ids';
import { buildSchema } from '../src/schema';
import { buildCorpus } from './support/corpus';
import { gatewaysOverWorkedExample, type TestGateway } from './support/gateway';

const NODE = /* GraphQL */ `
  query($id: ID!) {
    node(id: $id) {
      __typename id
      ... on Article { databaseId headline status }
      ... on Author { databaseId name }
      ... on Location { databaseId name }
      ... on CasualtyFigure { databaseId low article { id } }
    }
  }`;

const NODES = /* GraphQL */ `
  query($ids: [ID!]!) {
    nodes(ids: $ids) { __typename id ... on Article { headline } ... on Author { name } ... on Location { name } }
  }`;

describe('global object identification', () => {
  const ex = gatewaysOverWorkedExample();
  let api: TestGateway;
  let editor: Record<string, string>;
  /** The worked example's article with its author, place and first figure, as the graph names them. */
  let article: { id: string; databaseId: string; authors: { id: string; databaseId: string }[]; locations: { id: string }[]; casualtyFigures: { id: string }[] };
  let draftId: string;
  let generated: string[];

  beforeAll(async () => {
    generated = await buildCorpus(ex.store, 12);
    api = await ex.gateway();
    editor = { authorization: `Bearer ${(await createApiKey(ex.store, 'Desk', 'editor')).key}` };
    const read = await api.gql(`query($id: ID!) { article(id: $id) {
      id databaseId authors { id databaseId } locations { id } casualtyFigures { id } } }`, { id: ex.articleId });
    expect(read.errors).toBeUndefined();
    article = read.data.article;
    const draft = await api.gql('mutation { createArticle(input: { headline: "Still a draft", body: "Draft text." }) { id status } }', {}, editor);
    expect(draft.data.createArticle.status).toBe('DRAFT');
    draftId = draft.data.createArticle.id;
  });

  it('gives every node an opaque id unique across types, and keeps the store id as databaseId', async () => {
    expect(article.databaseId).toBe(ex.articleId);
    expect(article.id).toBe(Buffer.from(`Article:${ex.articleId}`).toString('base64url'));
    expect(parseGlobalId(article.authors[0].id)).toEqual({ type: 'Author', databaseId: article.authors[0].databaseId });
    // Article 1 and author 1 may both exist; their ids differ.
    expect(toGlobalId('Article', '1')).not.toBe(toGlobalId('Author', '1'));
    // Only the canonical spelling is an id: padded base64 or a leading zero is not.
    expect(parseGlobalId(`${article.id}=`)).toBeNull();
    expect(parseGlobalId(Buffer.from(`Article:0${ex.articleId}`).toString('base64url'))).toBeNull();
  });

  it('refetches each kind of node by node(id:), as the type\'s own field gives it', async () => {
    const ids = [article.id, article.authors[0].id, article.locations[0].id, article.casualtyFigures[0].id];
    const types = ['Article', 'Author', 'Location', 'CasualtyFigure'];
    for (const [i, id] of ids.entries()) {
      const response = await api.gql(NODE, { id });
      expect(response.errors).toBeUndefined();
      expect(response.data.node).toMatchObject({ __typename: types[i], id });
    }
    expect((await api.gql(NODE, { id: article.casualtyFigures[0].id })).data.node.article.id).toBe(article.id);
  });

  it('answers null for an id of nothing the store holds, and BAD_USER_INPUT for one that is no global id', async () => {
    expect(await api.gql(NODE, { id: toGlobalId('Article', '999999') })).toMatchObject({ data: { node: null } });
    for (const id of ['1', ex.articleId, 'not an id', Buffer.from('Tag:5').toString('base64url'), Buffer.from('Article:x').toString('base64url')]) {
      const response = await api.gql(NODE, { id });
      expect(response.data.node).toBeNull();
      expect(response.errors?.[0]).toMatchObject({ path: ['node'], extensions: { code: 'BAD_USER_INPUT', argument: 'id' } });
      expect(response.errors?.[0].message).toMatch(/is not a global id: pass a `Node.id` exactly as it was returned/);
    }
  });

  it('hides a draft from the public through node and nodes exactly as through article(id:), and shows it to an editor', async () => {
    const viaArticle = await api.gql('query($id: ID!) { article(id: $id) { id } }', { id: draftId });
    expect(viaArticle.data.article).toBeNull();
    expect((await api.gql(NODE, { id: draftId })).data.node).toBeNull();
    expect((await api.gql(NODES, { ids: [draftId, article.id] })).data.nodes).toEqual([null, expect.objectContaining({ id: article.id })]);
    expect((await api.gql(NODE, { id: draftId }, editor)).data.node).toMatchObject({ id: draftId, status: 'DRAFT' });
  });

  it('reads nodes(ids:) in the order given, one store statement per type however many ids', async () => {
    const articles = await api.gql(`{ articles(first: 12) { edges { node { id } } } }`);
    const articleIds: string[] = articles.data.articles.edges.map((edge: any) => edge.node.id);
    expect(articleIds.length).toBeGreaterThanOrEqual(10);
    const ids = [article.authors[0].id, ...articleIds, article.locations[0].id, toGlobalId('Author', '999999')];
    ex.db.reset();
    const response = await api.gql(NODES, { ids });
    expect(response.errors).toBeUndefined();
    expect(response.data.nodes.map((node: any) => node?.id ?? null)).toEqual([...ids.slice(0, -1), null]);
    const reads = ex.db.statements.map((sql) => /FROM (articles|authors|locations|casualty_figures) \w+ WHERE \w+\.id = ANY/.exec(sql)?.[1])
      .filter(Boolean).sort();
    expect(reads).toEqual(['articles', 'authors', 'locations']);
  });

  it('answers a malformed id in nodes with null and its own error, and the other ids as usual', async () => {
    const response = await api.gql(NODES, { ids: [article.id, 'nonsense', article.authors[0].id] });
    expect(response.data.nodes).toEqual([expect.objectContaining({ id: article.id }), null, expect.objectContaining({ id: article.authors[0].id })]);
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]).toMatchObject({ path: ['nodes', 1], extensions: { code: 'BAD_USER_INPUT', argument: 'ids.1' } });
  });

  it('refuses more ids than a page may hold, saying the cap', async () => {
    const response = await api.gql(NODES, { ids: Array.from({ length: 101 }, () => article.id) });
    expect(response.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'ids' } });
    expect(response.errors?.[0].message).toMatch(/at most 100 ids \(got 101\)/);
  });

  it('takes a global id or a store id wherever an argument names an entity, and refuses one of another type', async () => {
    const byGlobal = await api.gql('query($id: ID!) { article(id: $id) { id } }', { id: article.id });
    const byDatabase = await api.gql('query($id: ID!) { article(id: $id) { id } }', { id: article.databaseId });
    expect(byGlobal.data.article).toEqual({ id: article.id });
    expect(byDatabase.data.article).toEqual({ id: article.id });

    const filtered = 'query($a: ID) { articles(filter: { authorId: $a }) { edges { node { id } } } }';
    const viaGlobal = await api.gql(filtered, { a: article.authors[0].id });
    expect(viaGlobal.data.articles.edges).toEqual([{ node: { id: article.id } }]);
    expect((await api.gql(filtered, { a: article.authors[0].databaseId })).data).toEqual(viaGlobal.data);

    const wrongType = await api.gql('query($id: ID!) { article(id: $id) { id } }', { id: article.authors[0].id });
    expect(wrongType.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'id' } });
    expect(wrongType.errors?.[0].message).toMatch(/is a global id of type Author, not Article/);
    const nested = await api.gql(filtered, { a: article.id });
    expect(nested.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'filter.authorId' } });
  });

  it('takes global ids in mutations, and answers a deletion with the global id a client cache holds', async () => {
    const created = await api.gql(`mutation($a: [ID!]) { createArticle(input: { headline: "Global byline", body: "Text.", authorIds: $a }) {
      id authors { id } } }`, { a: [article.authors[0].id] }, editor);
    expect(created.errors).toBeUndefined();
    expect(created.data.createArticle.authors).toEqual([{ id: article.authors[0].id }]);

    const author = await api.gql('mutation { createAuthor(input: { name: "Short Lived" }) { id databaseId } }', {}, editor);
    const admin = { authorization: `Bearer ${(await createApiKey(ex.store, 'Chief', 'admin')).key}` };
    const deleted = await api.gql('mutation($id: ID!) { deleteAuthor(id: $id) }', { id: author.data.createAuthor.databaseId }, admin);
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data.deleteAuthor).toBe(author.data.createAuthor.id);
  });

  it('classifies every ID argument and input field of the schema: each names one of our types or is known not to', () => {
    expect(unclassifiedIdArguments(buildSchema())).toEqual([]);
  });

  it('gives node the public cache policy of article(id:), and costs nodes like a page of that many', async () => {
    const viaNode = await api.gql(NODE, { id: article.id });
    const viaArticle = await api.gql('query($id: ID!) { article(id: $id) { id headline } }', { id: article.id });
    expect(viaNode.headers.get('cache-control')).toBe(viaArticle.headers.get('cache-control'));
    expect(viaNode.headers.get('cache-control')).toMatch(/max-age=\d+, public/);

    const schema = buildSchema();
    const model = { defaultPageSize: 20, maxPageSize: 100, assumedListSize: 10 };
    const cost = (n: number) => {
      const document = parse('query($ids: [ID!]!) { nodes(ids: $ids) { id } }');
      return operationCost(schema, document, document.definitions[0] as never, { ids: Array.from({ length: n }, () => article.id) }, model);
    };
    expect(cost(50)).toBe(1 + 50 * 1);
    expect(cost(50)).toBeGreaterThan(cost(5)!);
    expect(generated.length).toBe(12);
  });
});
