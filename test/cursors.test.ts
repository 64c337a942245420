import { loadCodedArticle } from '../src/seed/worked-example';
import { isSortKey } from '../src/store/sort-keys';
import { buildCorpus } from './support/corpus';
import { startTestGateway, type TestGateway } from './support/gateway';
import { generator } from './support/random';
import { describeEachEngine } from './support/stores';

const CONNECTION = 'totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor hasPreviousPage startCursor }';

/** Every list that takes `after`, in each ordering and with a filter: how to ask for it, and where its connection is. */
const LISTS: { name: string; query: string; at: (data: any) => any }[] = [
  { name: 'articles, newest first', query: `articles(first: $first, after: $after) { ${CONNECTION} }`, at: (d) => d.articles },
  { name: 'articles, oldest first', query: `articles(orderBy: PUBLISHED_AT_ASC, first: $first, after: $after) { ${CONNECTION} }`, at: (d) => d.articles },
  { name: 'articles, last changed first', query: `articles(orderBy: UPDATED_AT_DESC, first: $first, after: $after) { ${CONNECTION} }`, at: (d) => d.articles },
  { name: 'articles tagged "test"', query: `articles(filter: { tag: "test" }, first: $first, after: $after) { ${CONNECTION} }`, at: (d) => d.articles },
  { name: "an author's articles", query: `author(slug: "writer-0") { articles(first: $first, after: $after) { ${CONNECTION} } }`, at: (d) => d.author.articles },
  { name: "a place's articles", query: `location(isoCode: "TL-0") { articles(first: $first, after: $after) { ${CONNECTION} } }`, at: (d) => d.location.articles },
  { name: 'authors', query: `authors(first: $first, after: $after) { ${CONNECTION} }`, at: (d) => d.authors },
  { name: 'places', query: `locations(first: $first, after: $after) { ${CONNECTION} }`, at: (d) => d.locations },
  { name: 'towns', query: `locations(filter: { kind: LOCALITY }, first: $first, after: $after) { ${CONNECTION} }`, at: (d) => d.locations },
  { name: 'figures', query: `casualtyFigures(first: $first, after: $after) { ${CONNECTION} }`, at: (d) => d.casualtyFigures },
  { name: 'reported figures', query: `casualtyFigures(filter: { verification: [REPORTED] }, first: $first, after: $after) { ${CONNECTION} }`, at: (d) => d.casualtyFigures },
];

const operation = (list: (typeof LISTS)[number]) => `query($first: Int, $after: String) { ${list.query} }`;
/** The same list asked for with every paging argument: `first`/`after` and `last`/`before`. */
const both = (list: (typeof LISTS)[number]) => `query($first: Int, $after: String, $last: Int, $before: String) {
  ${list.query.replace('first: $first, after: $after', 'first: $first, after: $after, last: $last, before: $before')} }`;
const ids = (page: any) => page.edges.map((edge: any) => edge.node.id);
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));

describeEachEngine('cursors', (ctx) => {
  let api: TestGateway;
  /** The second cursor of each list. */
  const cursorOf = new Map<string, string>();

  beforeAll(async () => {
    const { store } = ctx();
    await loadCodedArticle(store);
    await buildCorpus(store, 20);
    // Undated articles sort last (by ±infinity), and two share a date: ties go by id.
    await store.insertArticles([null, null, null, new Date('2025-01-05T00:00:00Z'), new Date('2025-01-05T00:00:00Z')].map((publishedAt, i) => ({
      slug: `extra-${i}`, headline: `Extra ${i}`, standfirst: null, body: 'Text.', publishedAt, sourceUrl: null, language: 'en',
      tags: ['test'], authorIds: [], locationIds: [],
    })));
    api = await startTestGateway(store);
    for (const list of LISTS) {
      const page = await api.gql(operation(list), { first: 2 });
      expect(page.errors).toBeUndefined();
      cursorOf.set(list.name, list.at(page.data).pageInfo.endCursor);
    }
  });
  afterAll(() => api?.stop());

  it.each(LISTS)('pages through $name with endCursor: every row once, in order', async (list) => {
    const whole = list.at((await api.gql(operation(list), { first: 100 })).data);
    expect(whole.edges.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages += 1) {
      const response = await api.gql(operation(list), { first: 3, after });
      expect(response.errors).toBeUndefined();
      const page = list.at(response.data);
      seen.push(...page.edges.map((edge: any) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(whole.edges.map((edge: any) => edge.node.id));
    expect(seen).toHaveLength(whole.totalCount);
  });

  it.each(LISTS)('pages backwards through $name with last and startCursor: every row once, in order, by the same keyset', async (list) => {
    const whole = list.at((await api.gql(operation(list), { first: 100 })).data);
    const pages: any[] = [];
    let before: string | null = null;
    ctx().db.reset();
    for (let n = 0; n < 50; n += 1) {
      const response = await api.gql(both(list), { last: 3, before });
      expect(response.errors).toBeUndefined();
      const page = list.at(response.data);
      pages.unshift(page);
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(pages.flatMap(ids)).toEqual(ids(whole));
    // The bottom page has nothing after it; every page above it has.
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual(pages.map((_, i) => i < pages.length - 1));
    expect(pages[0].pageInfo.hasPreviousPage).toBe(false);
    // Keyset in reverse: never an OFFSET.
    expect(ctx().db.statements.filter((sql) => /\bOFFSET\b/i.test(sql))).toEqual([]);
  });

  it.each(LISTS)('walks $name as a Relay client does: forwards to the end, then back across each page boundary', async (list) => {
    const forward: any[] = [];
    let after: string | null = null;
    do {
      const page = list.at((await api.gql(both(list), { first: 3, after })).data);
      forward.push(page);
      after = page.pageInfo.endCursor;
    } while (forward.at(-1).pageInfo.hasNextPage);
    expect(forward.length).toBeGreaterThan(1);
    expect(forward[0].pageInfo).toMatchObject({ hasPreviousPage: false, startCursor: forward[0].edges[0].cursor });
    expect(forward.slice(1).every((page) => page.pageInfo.hasPreviousPage)).toBe(true);
    for (let i = forward.length - 1; i > 0; i -= 1) {
      const back = list.at((await api.gql(both(list), { last: 3, before: forward[i].pageInfo.startCursor })).data);
      expect(ids(back)).toEqual(ids(forward[i - 1]));
      expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: i - 1 > 0, endCursor: forward[i - 1].pageInfo.endCursor });
    }
    // Both bounds at once: the rows strictly between two cursors.
    if (forward.length > 2) {
      const between = list.at((await api.gql(both(list), { first: 100, after: forward[0].pageInfo.endCursor, before: forward[2].pageInfo.startCursor })).data);
      expect(ids(between)).toEqual(ids(forward[1]));
    }
  });

  it('answers first: 0 with no edges, whether rows follow, and the cursor it stands at', async () => {
    const [articles] = LISTS;
    const start = articles.at((await api.gql(both(articles), { first: 0 })).data);
    expect(start).toMatchObject({ edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null } });
    expect(start.totalCount).toBeGreaterThan(0);
    const firstPage = articles.at((await api.gql(both(articles), { first: 3 })).data);
    const standing = articles.at((await api.gql(both(articles), { first: 0, after: firstPage.pageInfo.endCursor })).data);
    expect(standing).toMatchObject({ edges: [], pageInfo: {
      hasNextPage: true, hasPreviousPage: true, startCursor: firstPage.pageInfo.endCursor, endCursor: firstPage.pageInfo.endCursor,
    } });
    // Paging on from the empty page continues where it stood.
    const next = articles.at((await api.gql(both(articles), { first: 3, after: standing.pageInfo.endCursor })).data);
    const second = articles.at((await api.gql(both(articles), { first: 3, after: firstPage.pageInfo.endCursor })).data);
    expect(ids(next)).toEqual(ids(second));
    const backwards = articles.at((await api.gql(both(articles), { last: 0, before: second.pageInfo.startCursor })).data);
    expect(backwards).toMatchObject({ edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: true, startCursor: second.pageInfo.startCursor } });
    // Past the end: no rows follow.
    let after = firstPage.pageInfo.endCursor;
    for (;;) {
      const page = articles.at((await api.gql(both(articles), { first: 100, after })).data);
      after = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage) break;
    }
    const end = articles.at((await api.gql(both(articles), { first: 0, after })).data);
    expect(end.pageInfo).toMatchObject({ hasNextPage: false, endCursor: after });
  });

  it('refuses, naming `before`, a cursor from another list; `first` with `last`; and `last` over the cap', async () => {
    const wrongList = await api.gql(both(LISTS[1]), { last: 2, before: cursorOf.get(LISTS[0].name) });
    expect(wrongList.errors?.[0]).toMatchObject({
      message: 'before: this cursor belongs to another list, ordering or filter: pass a startCursor this list returned',
      extensions: { code: 'BAD_USER_INPUT', argument: 'before' },
    });
    const twoWays = await api.gql(both(LISTS[0]), { first: 2, last: 2 });
    expect(twoWays.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'first, last' } });
    expect(twoWays.errors?.[0].message).toMatch(/give `first` .* or `last` .*, not both/);
    const tooMany = await api.gql(both(LISTS[0]), { last: 101 });
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'last' } });
    expect(tooMany.errors?.[0].message).toMatch(/between 0 and 100 \(got 101\).*before: pageInfo.startCursor/);
  });

  it('refuses, naming `after`, a cursor from any other list, ordering or filter', async () => {
    for (const from of LISTS) {
      for (const to of LISTS.filter((list) => list !== from)) {
        const response = await api.gql(operation(to), { first: 2, after: cursorOf.get(from.name) });
        expect([from.name, to.name, response.errors]).toEqual([from.name, to.name, [expect.objectContaining({
          message: 'after: this cursor belongs to another list, ordering or filter: pass an endCursor this list returned',
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'after' }),
        })]]);
      }
    }
    // None of this is an unexpected error.
    expect(api.logs.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('takes a filter whose lists come in another order, and includeRetracted: false as absent', async () => {
    const first = await api.gql(`{ casualtyFigures(filter: { verification: [CONFIRMED, REPORTED] }, first: 2) { pageInfo { endCursor } } }`);
    const next = await api.gql(`query($after: String) { casualtyFigures(filter: { verification: [REPORTED, CONFIRMED], includeRetracted: false }, first: 2, after: $after) { edges { node { id } } } }`,
      { after: first.data.casualtyFigures.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    expect(next.data.casualtyFigures.edges).toHaveLength(2);
  });

  it('refuses a forged cursor as not from this API, before any SQL is sent', async () => {
    const articles = decode(cursorOf.get('articles, newest first')!);
    const authors = decode(cursorOf.get('authors')!);
    const figures = decode(cursorOf.get('figures')!);
    const forged: [string, string][] = [
      ['articles(first: 2, after: $after)', encode(['x', 'y'])],
      ['articles(first: 2, after: $after)', encode([articles[0], '2026-13-01T00:00:00+00:00', articles[2]])],
      ['articles(first: 2, after: $after)', encode([articles[0], '2026-02-29T00:00:00+00:00', articles[2]])],
      ['articles(first: 2, after: $after)', encode([articles[0], '2026-01-01 00:00:00+00', articles[2]])],
      ['articles(first: 2, after: $after)', encode([articles[0], 'x', articles[2]])],
      ['articles(first: 2, after: $after)', encode([articles[0], articles[1], 'abc'])],
      ['articles(first: 2, after: $after)', encode([articles[0], articles[1], '99999999999'])],
      ['articles(first: 2, after: $after)', encode([articles[0], articles[1], articles[2], 'more'])],
      ['authors(first: 2, after: $after)', encode([authors[0], 'a\u0000b', authors[2]])],
      ['authors(first: 2, after: $after)', encode([authors[0], 'x\ud800', authors[2]])],
      ['authors(first: 2, after: $after)', encode([authors[0], null, authors[2]])],
      ['casualtyFigures(first: 2, after: $after)', encode([figures[0], 'x', figures[2]])],
      ['casualtyFigures(first: 2, after: $after)', 'not a cursor'],
      ['casualtyFigures(first: 2, after: $after)', ''],
    ];
    for (const [field, after] of forged) {
      ctx().db.reset();
      const response = await api.gql(`query($after: String) { ${field} { totalCount } }`, { after });
      expect([after, response.errors]).toEqual([after, [expect.objectContaining({
        message: 'after: is not a cursor from this API: pass an `endCursor` or edge `cursor` exactly as it was returned',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'after' }),
      })]]);
      expect(ctx().db.statements).toEqual([]);
    }
  });

  it('refuses a cursor issued before cursors named their list, saying to start again', async () => {
    const [, value, id] = decode(cursorOf.get('articles, newest first')!);
    const response = await api.gql(`query($after: String) { articles(first: 2, after: $after) { totalCount } }`, { after: encode([value, id]) });
    expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(response.errors![0].message).toMatch(/issued before cursors named the list.*start again without it/);
  });

  it('takes every article sort key the store gives, whatever the time zone, and none PostgreSQL would refuse', async () => {
    const { db } = ctx();
    // What the store gives: PostgreSQL's JSON form of instants across its range, in several zones.
    const emitted = await db.transaction(async (tx) => {
      const texts: string[] = [];
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Amsterdam', 'Pacific/Kiritimati']) {
        await tx.query(`SET LOCAL TIME ZONE '${zone}'`);
        const { rows } = await tx.query<{ key: string }>(`SELECT to_json(t) #>> '{}' AS key FROM unnest($1::timestamptz[]) AS t`,
          [['infinity', '-infinity', '4712-01-01 00:00:00+00 BC', '0001-01-01 00:00:00+00', '1000-01-01 00:00:00+00', '1800-06-01 12:00:00+00',
            '2024-02-29 23:59:59.999999+00', '2026-11-24 09:30:00.5+00', '9999-12-31 23:59:59.999+00', '10000-01-01 00:00:00+00']]);
        texts.push(...rows.map((row) => row.key));
      }
      return texts;
    });
    expect(emitted).toHaveLength(5 * 10);
    expect(emitted.filter((text) => !isSortKey('instant', [text, '1']))).toEqual([]);

    // What a forger might write: every text the check takes, PostgreSQL reads.
    const random = generator(20_261_125);
    const two = (n: number) => String(n).padStart(2, '0');
    const candidates = Array.from({ length: 400 }, () => {
      const year = String(random.pick([1, 99, 1000, 2024, 2025, 4713, 4714, 9999, 10_000, 294_275, 294_277, 999_999])).padStart(4, '0');
      const offset = `${random.pick(['+', '-'])}${two(random.int(18))}:${two(random.int(62))}${random.int(4) === 0 ? `:${two(random.int(62))}` : ''}`;
      return `${year}-${two(random.int(14))}-${two(random.int(33))}T${two(random.int(26))}:${two(random.int(62))}:${two(random.int(62))}` +
        `${random.int(2) ? `.${random.int(1_000_000)}` : ''}${offset}${random.int(5) === 0 ? ' BC' : ''}`;
    });
    const taken = candidates.filter((text) => isSortKey('instant', [text, '1']));
    expect(taken.length).toBeGreaterThan(20);
    expect(taken.length).toBeLessThan(candidates.length);
    const refused: string[] = [];
    for (const text of taken) {
      await db.query('SELECT $1::timestamptz', [text]).catch(() => refused.push(text));
    }
    expect(refused).toEqual([]);
  });

  it("takes an author's articles cursor for the same list asked for by filter: a cursor names rows, not the field", async () => {
    const first = await api.gql(`{ author(slug: "writer-0") { id articles(first: 2) { edges { node { id } } pageInfo { endCursor } } } }`);
    const { id, articles } = first.data.author;
    const next = await api.gql(`query($author: ID, $after: String) { articles(filter: { authorId: $author }, first: 2, after: $after) { edges { node { id } } } }`,
      { author: id, after: articles.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    const all = await api.gql(`query($author: ID) { articles(filter: { authorId: $author }, first: 4) { edges { node { id } } } }`, { author: id });
    expect([...articles.edges, ...next.data.articles.edges]).toEqual(all.data.articles.edges);
  });
});
