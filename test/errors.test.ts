import { loadCodedArticle } from '../src/seed/worked-example';
import { startTestGateway, type TestGateway } from './support/gateway';
import { openTestStore } from './support/stores';

describe('errors a client sees', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  let api: TestGateway;
  let prod: TestGateway;
  beforeAll(async () => {
    t = await openTestStore('pglite');
    await loadCodedArticle(t.store);
    api = await startTestGateway(t.store);
    prod = await startTestGateway(t.store, { production: true });
  });
  afterAll(async () => {
    await api.stop();
    await prod.stop();
    await t.dispose();
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers null, without an error, for an id or slug that matches nothing', async () => {
    const response = await api.gql(`{ article(id: "424242") { id } author(slug: "nobody") { id } location(isoCode: "ZZ") { id } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ article: null, author: null, location: null });
  });

  it.each([
    ['first above the cap', `{ articles(first: 101) { totalCount } }`, 'first', /between 0 and 100 \(got 101\)/],
    ['a negative first', `{ authors(first: -1) { totalCount } }`, 'first', /between 0 and 100/],
    ['a cursor it did not make', `{ locations(after: "bm90IGEgY3Vyc29y") { totalCount } }`, 'after', /not a cursor from this API/],
    ['both id and slug', `{ article(id: "1", slug: "x") { id } }`, 'id, slug', /exactly one of `id` or `slug`/],
    ['neither id nor isoCode', `{ location { id } }`, 'id, isoCode', /exactly one of `id` or `isoCode`/],
    ['a blank search', `{ articles(filter: { search: "  " }) { totalCount } }`, 'filter.search', /between 1 and 500 characters/],
  ])('refuses %s with BAD_USER_INPUT naming the argument', async (_, query, argument, message) => {
    const response = await api.gql(query);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(response.errors![0].message).toMatch(message);
  });

  it('refuses a DateTime that is not ISO 8601, saying which value', async () => {
    const response = await api.gql(`query($from: DateTime) { articles(filter: { publishedFrom: $from }) { totalCount } }`, { from: '24/11/2026' });
    expect(response.status).toBe(400);
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/24\/11\/2026/);
  });

  it('masks an unexpected failure, and logs the original with the request id it returns', async () => {
    jest.spyOn(t.store, 'listAuthors').mockRejectedValue(new Error('connection to 10.0.0.7 lost: password=hunter2'));
    const response = await prod.gql(`{ authors { totalCount } }`, undefined, { 'x-request-id': 'req-123' });
    expect(response.headers.get('x-request-id')).toBe('req-123');
    expect(response.errors).toEqual([expect.objectContaining({
      message: expect.stringMatching(/^Internal server error/),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    })]);
    expect(JSON.stringify(response)).not.toMatch(/hunter2|10\.0\.0\.7|stacktrace/);
    expect(prod.logs).toContainEqual(expect.objectContaining({
      level: 50, requestId: 'req-123', err: expect.objectContaining({ message: expect.stringContaining('hunter2') }),
    }));
  });

  it('gives every response a request id, making one when the caller sends none or a strange one', async () => {
    // Made here: this process's random tag, then a count.
    const made = /^([\w-]{8})-[0-9a-z]+$/;
    const plain = await api.gql(`{ authors { totalCount } }`);
    expect(plain.headers.get('x-request-id')).toMatch(made);
    const odd = await api.gql(`{ authors { totalCount } }`, undefined, { 'x-request-id': 'bad id\twith spaces' });
    expect(odd.headers.get('x-request-id')).toMatch(made);
    expect(odd.headers.get('x-request-id')).not.toBe(plain.headers.get('x-request-id'));
    expect(made.exec(odd.headers.get('x-request-id')!)![1]).toBe(made.exec(plain.headers.get('x-request-id')!)![1]);
  });
});
