import { createApiKey } from '../src/auth/api-keys';
import { MemoryCache } from '../src/cache';
import { CachedStore } from '../src/cache/cached-store';
import { SUBGRAPH_SECRET_HEADER } from '../src/http/subgraph';
import { buildCorpus } from './support/corpus';
import { gatewaysOverWorkedExample, startTestGateway, type TestGateway } from './support/gateway';
import { describeEachEngine } from './support/stores';

const SECRET = 'a-router-secret-of-some-length';
const ROUTER = { [SUBGRAPH_SECRET_HEADER]: SECRET };

const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Article { id databaseId headline status }
      ... on Author { id name }
      ... on Location { id name isoCode }
      ... on CasualtyFigure { id low high article { databaseId } }
    }
  }`;

const SDL = '{ _service { sdl } }';

/** The representation of an entity, as a router sends it. */
const ref = (typename: string, key: Record<string, string>) => ({ __typename: typename, ...key });

describe('newsgate as a Federation 2 subgraph (the checks of the subgraph specification that apply to us)', () => {
  const ex = gatewaysOverWorkedExample();
  let open: TestGateway;
  let editor: Record<string, string>;
  let ids: { author: string; location: string; figure: string; draft: string };

  beforeAll(async () => {
    open = await ex.gateway();
    editor = { authorization: `Bearer ${(await createApiKey(ex.store, 'Desk', 'editor')).key}` };
    const direct = (await open.gql(`query($id: ID!) { article(id: $id) {
      authors { id } locations { id } casualtyFigures { id } } }`, { id: ex.articleId })).data.article;
    const draft = await open.gql('mutation { createArticle(input: { headline: "Not yet", body: "Draft text." }) { id status } }', {}, editor);
    expect(draft.data.createArticle.status).toBe('DRAFT');
    ids = { author: direct.authors[0].id, location: direct.locations[0].id, figure: direct.casualtyFigures[0].id, draft: draft.data.createArticle.id };
  });

  it('prints its SDL with the Federation 2 link, the keys (Location by id and by isoCode) and our own @requires', async () => {
    const { data } = await open.gql(SDL);
    const sdl: string = data._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])');
    for (const type of ['Article implements NewsItem', 'Author', 'CasualtyFigure']) {
      expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
    }
    expect(sdl).toMatch(/type Location\s+@key\(fields: "id"\)\s+@key\(fields: "isoCode"\)/);
    expect(sdl).toMatch(/type PageInfo\s+@shareable/);
    expect(sdl).toMatch(/directive @requires\(\s*(?:"""[^"]*"""\s*)?role: Role!\s*\) on FIELD_DEFINITION/); // `role` described or not
    expect(sdl).toContain('revisions: [ArticleRevision!]! @requires(role: EDITOR)');
  });

  it('resolves a reference to each keyed type, in the order given, and answers null for ids it does not have', async () => {
    const { data, errors } = await open.gql(ENTITIES, { representations: [
      ref('Article', { id: ex.articleId }),
      ref('Author', { id: ids.author }),
      ref('Location', { id: ids.location }),
      ref('Location', { isoCode: 'PK' }),
      ref('CasualtyFigure', { id: ids.figure }),
      ref('Article', { id: '999999' }),
      ref('Location', { isoCode: 'ZZ' }),
      ref('CasualtyFigure', { id: 'not-a-number' }),
    ] });
    expect(errors).toBeUndefined();
    expect(data._entities.map((entity: any) => entity?.__typename ?? null)).toEqual(
      ['Article', 'Author', 'Location', 'Location', 'CasualtyFigure', null, null, null]);
    expect(data._entities[0]).toMatchObject({ databaseId: ex.articleId, status: 'PUBLISHED' });
    expect(data._entities[3]).toMatchObject({ isoCode: 'PK', name: 'Pakistan' });
    expect(data._entities[4]).toMatchObject({ id: ids.figure, article: { databaseId: ex.articleId } });
  });

  it('answers the same entity through _entities as through the root field', async () => {
    const fields = 'id headline wordCount authors { name } locations { name ancestors { name } } casualtyFigures { id low best high partOf { id } }';
    const direct = await open.gql(`query($id: ID!) { article(id: $id) { ${fields} } }`, { id: ex.articleId });
    const entity = await open.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Article { ${fields} } } }`,
      { r: [ref('Article', { id: ex.articleId })] });
    expect(entity.data._entities[0]).toEqual(direct.data.article);
  });

  it('reads references through the record cache: the same references again cost the store nothing', async () => {
    const cached = await ex.gateway({}, new CachedStore(ex.store, new MemoryCache()));
    const representations = [ref('Article', { id: ex.articleId }), ref('Location', { isoCode: 'PK' }), ref('Author', { id: ids.author })];
    const first = await cached.gql(ENTITIES, { representations });
    ex.db.reset();
    const again = await cached.gql(ENTITIES, { representations });
    expect(again.data).toEqual(first.data);
    expect(ex.db.queries).toBe(0);
  });

  it('keeps drafts from the public through _entities exactly as through article(id:), and shows them to editors', async () => {
    const representations = [ref('Article', { id: ids.draft })];
    expect((await open.gql('query($id: ID!) { article(id: $id) { id } }', { id: ids.draft })).data.article).toBeNull();
    expect((await open.gql(ENTITIES, { representations })).data._entities).toEqual([null]);
    const asEditor = await open.gql(ENTITIES, { representations }, editor);
    expect(asEditor.data._entities[0]).toMatchObject({ id: ids.draft, status: 'DRAFT' });
  });

  it('resolves a node by its global id, its store id or its databaseId key alike, and refuses a global id of another type', async () => {
    const { data: direct } = await open.gql('query($id: ID!) { article(id: $id) { id databaseId } }', { id: ex.articleId });
    const { data, errors } = await open.gql(ENTITIES, { representations: [
      ref('Article', { id: direct.article.id }),
      ref('Article', { id: ex.articleId }),
      ref('Article', { databaseId: ex.articleId }),
      ref('Author', { id: direct.article.id }),
    ] });
    expect(data._entities.slice(0, 3)).toEqual([direct.article, direct.article, direct.article].map((a) => expect.objectContaining(a)));
    expect(data._entities[3]).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['_entities', 3], extensions: { code: 'BAD_USER_INPUT', argument: 'representations[3].id' } });
    expect(errors?.[0].message).toMatch(/is a global id of type Article, not Author/);
  });

  it('enforces @requires(role:) through _entities: the public is refused the editors\' fields, an editor gets them', async () => {
    const revisions = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Article { headline revisions { version action } } } }';
    const r = [ref('Article', { id: ex.articleId })];
    const asPublic = await open.gql(revisions, { r });
    expect(asPublic.status).toBe(401);
    expect(asPublic.errors?.[0]).toMatchObject({ path: ['_entities', 0, 'revisions'], extensions: { code: 'UNAUTHENTICATED' } });
    const asEditor = await open.gql(revisions, { r }, editor);
    expect(asEditor.errors).toBeUndefined();
    const direct = await open.gql('query($id: ID!) { article(id: $id) { headline revisions { version action } } }', { id: ex.articleId }, editor);
    expect(asEditor.data._entities[0]).toEqual(direct.data.article);
  });

  it('answers a representation it cannot resolve with null and BAD_USER_INPUT naming it, and the others as usual', async () => {
    const cases: [unknown, string][] = [
      [ref('Nope', { id: '1' }), 'representations[1].__typename'],
      [{ __typename: 'Article', slug: 'x' }, 'representations[1]'],
      [{ __typename: 'Location', id: { nested: true } }, 'representations[1]'],
    ];
    for (const [bad, argument] of cases) {
      const answer = await open.gql(ENTITIES, { representations: [ref('Article', { id: ex.articleId }), bad] });
      expect(answer.status).toBe(200);
      expect(answer.data._entities).toEqual([expect.objectContaining({ databaseId: ex.articleId }), null]);
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors?.[0]).toMatchObject({ path: ['_entities', 1], extensions: { code: 'BAD_USER_INPUT', argument } });
      expect(answer.errors?.[0].message).toMatch(/Article|id/);
    }
  });

  describe('the guard: _service and _entities answer only the router when SUBGRAPH_SECRET is set', () => {
    it('refuses them without the secret or with a wrong one, before anything is read, and serves the router', async () => {
      const guarded = await ex.gateway({ http: { subgraphSecret: SECRET } });
      const representations = [ref('Article', { id: ex.articleId })];
      const attempts: Record<string, string>[] = [{}, { [SUBGRAPH_SECRET_HEADER]: "wrong" }, { [SUBGRAPH_SECRET_HEADER]: `${SECRET}x` }];
      for (const headers of attempts) {
        ex.db.reset();
        const refused = await guarded.gql(ENTITIES, { representations }, headers);
        expect(refused.status).toBe(403);
        expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'SUBGRAPH_SECRET_REQUIRED', fields: ['_entities'] } });
        expect(refused.errors?.[0].message).toContain(SUBGRAPH_SECRET_HEADER);
        expect(ex.db.queries).toBe(0);
      }
      // Hidden in a fragment, or beside an ordinary field: still the subgraph fields.
      const sneaky = await guarded.gql('query { ...F articles(first: 1) { totalCount } } fragment F on Query { _service { sdl } }');
      expect(sneaky.errors?.[0].extensions).toMatchObject({ code: 'SUBGRAPH_SECRET_REQUIRED', fields: ['_service'] });
      expect((await guarded.gql(SDL, {}, ROUTER)).data._service.sdl).toContain('@key');
      expect((await guarded.gql(ENTITIES, { representations }, ROUTER)).data._entities[0].databaseId).toBe(ex.articleId);
      // Everything else is as before.
      expect((await guarded.gql('{ articles(first: 1) { totalCount } }')).data.articles.totalCount).toBe(1);
    });

    it('refuses them in production without a secret, and lets the router in with one', async () => {
      const production = await ex.gateway({ production: true });
      const refused = await production.gql(SDL);
      expect(refused.status).toBe(403);
      expect(refused.errors?.[0].message).toMatch(/without SUBGRAPH_SECRET/);
      const guarded = await ex.gateway({ production: true, http: { subgraphSecret: SECRET } });
      expect((await guarded.gql(SDL, {}, ROUTER)).data._service.sdl).toContain('@link');
    });
  });

  describe('the query limits count what _entities selects', () => {
    it('charges a batch of references like a page of that size, and refuses one past the cost limit', async () => {
      const limited = await ex.gateway({ http: { limits: { maxCost: 500 } } });
      const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Article { headline casualtyFigures { low } } } }';
      const fine = await limited.gql(query, { r: Array.from({ length: 10 }, () => ref('Article', { id: ex.articleId })) });
      expect(fine.errors).toBeUndefined();
      // Each reference: headline 1 + casualtyFigures (1 + 10 × 1) = 12, so 50 of them cost 1 + 50 × 12 = 601.
      const refused = await limited.gql(query, { r: Array.from({ length: 50 }, () => ref('Article', { id: ex.articleId })) });
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', found: 601, limit: 500 });
    });

    it('counts depth and aliases inside the entity fragments', async () => {
      const limited = await ex.gateway({ http: { limits: { maxDepth: 3, maxAliases: 1 } } });
      const r = [ref('Article', { id: ex.articleId })];
      const deep = await limited.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Article { locations { parent { name } } } } }', { r });
      expect(deep.errors?.[0].extensions?.code).toBe('DEPTH_LIMIT_EXCEEDED');
      const aliased = await limited.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Article { a: headline b: headline } } }', { r });
      expect(aliased.errors?.[0].extensions?.code).toBe('ALIAS_LIMIT_EXCEEDED');
    });
  });

  describe('caching across the router', () => {
    it('gives entity answers the cache hints of their fields: public data public, editors\' fields private', async () => {
      const r = [ref('Article', { id: ex.articleId })];
      const publicAnswer = await open.gql(ENTITIES, { representations: r });
      expect(publicAnswer.headers.get('cache-control')).toBe('max-age=30, public');
      expect(publicAnswer.headers.get('vary')).toMatch(/Newsgate-Subgraph-Secret/);
      const editorAnswer = await open.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Article { revisions { version } } } }', { r }, editor);
      expect(editorAnswer.headers.get('cache-control')).toBe('max-age=30, private');
    });

    it('never serves a router\'s _entities answer from the whole-response cache to a request without the secret', async () => {
      const cached = await ex.gateway({ http: { subgraphSecret: SECRET, responseCache: { ttlMs: 60_000, maxBytes: 2 ** 20 } } });
      const body = { representations: [ref('Article', { id: ex.articleId })] };
      for (let i = 0; i < 3; i++) expect((await cached.gql(ENTITIES, body, ROUTER)).data._entities[0].databaseId).toBe(ex.articleId);
      const stranger = await cached.gql(ENTITIES, body);
      expect(stranger.status).toBe(403);
      expect(stranger.data).toBeUndefined();
    });
  });
});

describeEachEngine('_entities through the loaders', (ctx) => {
  let api: TestGateway;
  let articleIds: string[];
  beforeAll(async () => {
    api = await startTestGateway(ctx().store);
    articleIds = (await ctx().store.listArticles({}, 'PUBLISHED_AT_DESC', { first: 50 })).rows.map((article) => article.id);
  });
  afterAll(() => api.stop());

  const QUERY = /* GraphQL */ `
    query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Article { headline authors { name } locations { name parent { name } } casualtyFigures { low partOf { group } } }
      ... on Location { name }
    } }`;

  /** Statements the store received for one `_entities` request over `n` articles and their towns. */
  async function statements(n: number): Promise<number> {
    const representations = articleIds.slice(0, n).flatMap((id, i) => [ref('Article', { id }), ref('Location', { isoCode: `TL-${i % 5}` })]);
    ctx().db.reset();
    const { data, errors } = await api.gql(QUERY, { r: representations });
    expect(errors).toBeUndefined();
    expect(data._entities).toHaveLength(2 * n);
    expect(data._entities.every((entity: unknown) => entity !== null)).toBe(true);
    return ctx().db.queries;
  }

  it('costs the same store round-trips for 50 references of a type as for 1', async () => {
    const one = await statements(1);
    const fifty = await statements(50);
    expect(fifty).toBe(one);
    // articles, places by code, authors, places by id, figures, parents: one statement each.
    expect(fifty).toBeLessThanOrEqual(6);
  });
}, (t) => buildCorpus(t.store, 50).then(() => undefined));
