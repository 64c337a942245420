import { createApiKey } from '../src/auth/api-keys';
import { loadCodedArticle } from '../src/seed/worked-example';
import { startTestGateway, type TestGateway } from './support/gateway';
import { openTestStore } from './support/stores';

describe('input rules every argument keeps', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  let api: TestGateway;
  let editor: Record<string, string>;
  beforeAll(async () => {
    t = await openTestStore('pglite');
    await loadCodedArticle(t.store);
    editor = { authorization: `Bearer ${(await createApiKey(t.store, 'Desk', 'editor')).key}` };
    api = await startTestGateway(t.store);
  });
  afterAll(async () => {
    await api.stop();
    await t.dispose();
  });

  const refusal = (argument: string, message: RegExp, variable?: string) => ({
    status: 400,
    errors: [expect.objectContaining({
      message: expect.stringMatching(message),
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument, ...(variable ? { variable } : {}) }),
    })],
  });

  it.each([
    ['a NUL in a variable', `query($q: String) { articles(filter: { search: $q }) { totalCount } }`, { q: 'bomb\u0000ers' },
      'filter.search', /^filter\.search: the value of \$q \(given to `articles`\) contains a NUL character \(U\+0000\) at position 4, .*remove it/, 'q'],
    ['a NUL in a literal', `{ locations(filter: { nameContains: "Que\\u0000tta" }) { totalCount } }`, undefined,
      'filter.nameContains', /^filter\.nameContains: the text given to `locations` contains a NUL character/, undefined],
    ['a lone surrogate inside an input object variable', `query($f: ArticleFilter) { articles(filter: $f) { totalCount } }`, { f: { tag: 'x\ud800' } },
      'filter.tag', /lone UTF-16 surrogate \(U\+D800\) at position 1, .*send well-formed Unicode/, 'f'],
    ['a lone low surrogate', `query($s: String) { article(slug: $s) { id } }`, { s: '\udc00' }, 'slug', /lone UTF-16 surrogate \(U\+DC00\)/, 's'],
    ['a NUL in a variable\'s default', `query($q: String = "a\\u0000") { articles(filter: { search: $q }) { totalCount } }`, {},
      'filter.search', /the default value of \$q .* contains a NUL/, undefined],
    ['a NUL in a nested field\'s argument, inside a fragment', `{ articles { edges { node { ...F } } } } fragment F on Article { casualtyFigures(filter: { locationId: "1\\u0000" }) { id } }`,
      undefined, 'filter.locationId', /the text given to `casualtyFigures` contains a NUL/, undefined],
    ['a NUL in a cursor', `query($after: String) { authors(after: $after) { totalCount } }`, { after: 'abc\u0000' }, 'after', /NUL/, 'after'],
  ])('refuses %s with HTTP 400, naming the argument, before any SQL', async (_, query, variables, argument, message, variable) => {
    t.db.reset();
    const response = await api.gql(query, variables);
    expect(response).toMatchObject(refusal(argument, message, variable));
    expect(t.db.statements).toEqual([]);
  });

  it('refuses such text deep inside a mutation\'s input, naming its path, and writes nothing', async () => {
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM articles')).rows[0].n;
    const response = await api.gql(`mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
      { input: { headline: 'Quetta', body: 'Text.', tags: ['a', 'b', 'c\u0000'] } }, editor);
    expect(response).toMatchObject(refusal('input.tags.2', /value of \$input \(given to `createArticle`\) contains a NUL/, 'input'));
    const imported = await api.gql(`mutation { importArticles(articles: [{ headline: "Q", body: "T.", figures: [{ key: "a", outcome: KILLED, group: CIVILIANS,
      qualifier: EXACT, number: 1, claimantType: OFFICIAL, verification: REPORTED, quote: "One \\u0000died." }] }]) { created } }`, editor);
    expect(imported).toMatchObject(refusal('articles.0.figures.0.quote', /contains a NUL/));
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM articles')).rows[0].n).toBe(before);
  });

  it('takes text with paired surrogates (emoji), tabs and every other character', async () => {
    const response = await api.gql(`query($q: String) { articles(filter: { search: $q }) { totalCount } locations(filter: { nameContains: "Quetta 😀\\t" }) { totalCount } }`,
      { q: 'Quetta 😀 ñ \u202e' });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ articles: { totalCount: 0 }, locations: { totalCount: 0 } });
  });

  it.each([
    ['a year below 1000', '0999-12-31T23:59:59Z'],
    ['a year that is 0000 in UTC', '0001-01-01T00:00:00+14:00'],
    ['a year past 9999 in UTC', '9999-12-31T23:59:59-14:00'],
  ])('refuses a DateTime of %s, saying the range', async (_, value) => {
    const response = await api.gql(`query($from: DateTime) { articles(filter: { publishedFrom: $from }) { totalCount } }`, { from: value });
    expect(response.status).toBe(400);
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/must lie between 1000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z/);
    const literal = await api.gql(`{ articles(filter: { publishedFrom: "${value}" }) { totalCount } }`);
    expect(literal.errors![0].message).toMatch(/must lie between/);
  });

  it('logs none of these refusals as errors', () => {
    expect(api.logs.filter((line) => line.level >= 50)).toEqual([]);
    expect(api.logs.filter((line) => line.msg === 'request completed' && line.res?.statusCode === 400).length).toBeGreaterThan(5);
  });
});
