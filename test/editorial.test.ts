import { createApiKey } from '../src/auth/api-keys';
import { loadCodedArticle } from '../src/seed/worked-example';
import { startTestGateway, type TestGateway } from './support/gateway';
import { storeId } from './support/ids';
import { describeEachEngine } from './support/stores';

/** The `n`th of 40,000 distinct words of two CJK characters. */
const cjkWord = (n: number) => String.fromCodePoint(0x4e00 + (n % 200), 0x5000 + Math.floor(n / 200));

const FIGURE_FIELDS = 'id version low best high qualifier group partOf { id } retractedAt retractionReason';

describeEachEngine('editorial writes', (ctx) => {
  let api: TestGateway;
  let editor: Record<string, string>;
  let admin: Record<string, string>;
  let seedArticleId: string;
  let balochistanId: string;

  const asEditor = (query: string, variables?: Record<string, unknown>) => api.gql(query, variables, editor);
  const asAdmin = (query: string, variables?: Record<string, unknown>) => api.gql(query, variables, admin);
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const articleCount = async () => (await ctx().db.query<{ n: number }>('SELECT count(*)::int AS n FROM articles')).rows[0].n;
  const figureCount = async () => (await ctx().db.query<{ n: number }>('SELECT count(*)::int AS n FROM casualty_figures')).rows[0].n;

  beforeAll(async () => {
    const { store } = ctx();
    seedArticleId = await loadCodedArticle(store);
    balochistanId = (await store.locationsByIsoCodes(['PK-BA']))[0]!.id;
    editor = bearer((await createApiKey(store, 'Night desk', 'editor')).key);
    admin = bearer((await createApiKey(store, 'Chief', 'admin')).key);
    api = await startTestGateway(store);
  });
  afterAll(() => api.stop());

  /** Creates a published article with one whole figure (low 10) and resolves to their ids and versions. */
  async function articleWithWhole(slug: string) {
    const created = await asEditor(`mutation($input: CreateArticleInput!) { createArticle(input: $input) { id version status } }`, {
      input: { headline: `Story ${slug}`, slug, body: 'At least 10 people were killed.\n\nOfficials said so.', status: 'PUBLISHED',
        locationIds: [balochistanId] },
    });
    expect(created.errors).toBeUndefined();
    const article = created.data.createArticle;
    const whole = await asEditor(`mutation($a: ID!, $input: CasualtyFigureInput!) { addCasualtyFigure(articleId: $a, input: $input) { ${FIGURE_FIELDS} } }`, {
      a: article.id,
      input: { outcome: 'KILLED', group: 'UNSPECIFIED', qualifier: 'AT_LEAST', number: 10, claimantType: 'OFFICIAL',
        verification: 'REPORTED', quote: 'At least 10 people were killed.', locationId: balochistanId },
    });
    expect(whole.errors).toBeUndefined();
    return { article, whole: whole.data.addCasualtyFigure };
  }

  const ADD_FIGURE = `mutation($a: ID!, $input: CasualtyFigureInput!) { addCasualtyFigure(articleId: $a, input: $input) { ${FIGURE_FIELDS} } }`;
  const figureInput = (over: Record<string, unknown> = {}) => ({
    outcome: 'KILLED', group: 'CIVILIANS', qualifier: 'EXACT', number: 4, claimantType: 'OFFICIAL',
    verification: 'REPORTED', quote: 'Four civilians died.', ...over,
  });

  describe('access control', () => {
    it('refuses a write without a key as UNAUTHENTICATED and writes nothing', async () => {
      const before = await articleCount();
      const response = await api.gql(`mutation { createArticle(input: { headline: "X", body: "Y" }) { id } }`);
      expect(response.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      expect(response.errors![0].message).toMatch(/Authorization: Bearer/);
      expect(await articleCount()).toBe(before);
    });

    it('refuses an admin-only write from an editor as FORBIDDEN and deletes nothing', async () => {
      const response = await asEditor(`mutation($id: ID!) { deleteLocation(id: $id) }`, { id: balochistanId });
      expect(response.errors![0].extensions!.code).toBe('FORBIDDEN');
      expect((await ctx().store.locationsByIds([balochistanId]))[0]).not.toBeNull();
    });

    it('answers 401 UNAUTHENTICATED to a key that is malformed, unknown or revoked, even for reads', async () => {
      const { store } = ctx();
      const revoked = await createApiKey(store, 'Leaver', 'editor');
      await store.revokeApiKey(revoked.record.id);
      for (const [headers, message] of [
        [{ authorization: 'Token abc' }, /must be "Bearer <API key>"/],
        [bearer(`${revoked.key.slice(0, -3)}xyz`), /not valid/],
        [bearer(revoked.key), /revoked/],
      ] as const) {
        const response = await api.gql(`{ articles { totalCount } }`, undefined, headers);
        expect(response.status).toBe(401);
        expect(response.errors![0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(message) });
      }
    });

    it('stores only a hash of each key', async () => {
      const { rows } = await ctx().db.query<{ secret_hash: string }>('SELECT secret_hash FROM api_keys');
      // Everything after `ngk_<id>_`: the secret is base64url, so it may hold '_' itself.
      const secret = /^Bearer ngk_[0-9a-f]+_(.+)$/.exec(editor.authorization)![1];
      expect(secret.length).toBe(43);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.secret_hash).not.toContain(secret);
    });
  });

  describe('the article workflow', () => {
    it('creates a draft only editors see, publishes it for everyone, and unpublishes it again', async () => {
      const read = `query($id: ID!) { article(id: $id) { headline status version } }`;
      const created = await asEditor(`mutation { createArticle(input: { headline: "Draft story", body: "Text." }) { id status version slug } }`);
      const { id } = created.data.createArticle;
      expect(created.data.createArticle).toMatchObject({ status: 'DRAFT', version: 1, slug: 'draft-story' });
      expect((await api.gql(read, { id })).data.article).toBeNull();
      expect((await asEditor(read, { id })).data.article).toMatchObject({ status: 'DRAFT' });

      const published = await asEditor(`mutation($id: ID!) { publishArticle(id: $id, version: 1) { status version publishedAt } }`, { id });
      expect(published.data.publishArticle).toMatchObject({ status: 'PUBLISHED', version: 2 });
      expect(published.data.publishArticle.publishedAt).not.toBeNull();
      expect((await api.gql(read, { id })).data.article).toMatchObject({ headline: 'Draft story' });

      await asEditor(`mutation($id: ID!) { unpublishArticle(id: $id, version: 2) { status } }`, { id });
      expect((await api.gql(read, { id })).data.article).toBeNull();
    });

    it('keeps a draft\'s figures out of the public\'s figure lists and counts until it is published', async () => {
      const created = await asEditor(`mutation { createArticle(input: { headline: "Draft with a toll", body: "Four civilians died." }) { id } }`);
      const { id } = created.data.createArticle;
      const figure = await asEditor(ADD_FIGURE, { a: id, input: figureInput({ locationId: balochistanId }) });
      expect(figure.errors).toBeUndefined();
      const figureId = figure.data.addCasualtyFigure.id;
      const listed = async (headers?: Record<string, string>) => {
        const answer = await api.gql(`query($l: ID!) { casualtyFigures(filter: { locationId: $l }, first: 100) { totalCount edges { node { id } } } }`,
          { l: balochistanId }, headers);
        const ids = answer.data.casualtyFigures.edges.map((edge: { node: { id: string } }) => edge.node.id);
        return { count: answer.data.casualtyFigures.totalCount as number, has: ids.includes(figureId) };
      };
      const before = await listed();
      expect(before.has).toBe(false);
      expect((await listed(editor)).has).toBe(true);

      await asEditor(`mutation($id: ID!) { publishArticle(id: $id, version: 1) { status } }`, { id });
      expect(await listed()).toEqual({ count: before.count + 1, has: true });
      await asEditor(`mutation($id: ID!) { unpublishArticle(id: $id, version: 2) { status } }`, { id });
      expect(await listed()).toEqual(before);
    });

    it('attaches authors and places, and refuses ones that do not exist', async () => {
      const author = await asEditor(`mutation { createAuthor(input: { name: "Amna Baloch" }) { id slug } }`);
      expect(author.data.createAuthor.slug).toBe('amna-baloch');
      const ok = await asEditor(`mutation($a: [ID!], $l: [ID!]) { createArticle(input: { headline: "Linked", body: "B.", authorIds: $a, locationIds: $l }) { authors { name } locations { name } } }`,
        { a: [author.data.createAuthor.id], l: [balochistanId] });
      expect(ok.data.createArticle).toEqual({ authors: [{ name: 'Amna Baloch' }], locations: [{ name: 'Balochistan' }] });
      const before = await articleCount();
      const bad = await asEditor(`mutation { createArticle(input: { headline: "Orphan", body: "B.", authorIds: ["99999"] }) { id } }`);
      expect(bad.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'input.authorIds' } });
      expect(await articleCount()).toBe(before);
    });
  });

  describe('validation', () => {
    it.each([
      ['a headline over 300 characters', { headline: 'x'.repeat(301), body: 'B' }, 'input.headline', /at most 300/],
      ['a blank body', { headline: 'H', body: '   ' }, 'input.body', /blank/],
      ['a slug with capitals', { headline: 'H', body: 'B', slug: 'Bad Slug' }, 'input.slug', /lower-case/],
      ['a source URL that is not http', { headline: 'H', body: 'B', sourceUrl: 'ftp://x' }, 'input.sourceUrl', /http or https/],
      ['the same author twice', { headline: 'H', body: 'B', authorIds: ['1', '1'] }, 'input.authorIds', /same id twice/],
      // 2,028 characters, 6,104 bytes: more than the unique index on source URLs holds.
      ['a source URL over 2,048 bytes', { headline: 'H', body: 'B', sourceUrl: `https://example.org/${'鲲'.repeat(2_028)}` },
        'input.sourceUrl', /at most 2048 bytes in UTF-8/],
    ])('refuses %s, naming the field and the rule', async (_, input, field, message) => {
      const before = await articleCount();
      const response = await asEditor(`mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`, { input });
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: field });
      expect(response.errors![0].message).toMatch(message);
      expect(await articleCount()).toBe(before);
    });

    it('refuses a body of more distinct words than search can index (with MAX_BODY_BYTES raised to send it)', async () => {
      // 200,000 characters of distinct hyphenated two-character words: more than 1 MB of search vector.
      const body = Array.from({ length: 40_000 }, (_, i) => `${cjkWord(i)}-${cjkWord(40_000 + i)}`).join(' ').slice(0, 200_000);
      const roomy = await startTestGateway(ctx().store, { http: { limits: { maxBodyBytes: 2 * 2 ** 20 } } });
      try {
        const before = await articleCount();
        const response = await roomy.gql(`mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
          { input: { headline: 'Many words', body } }, editor);
        expect(response.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'input.body' } });
        expect(response.errors![0].message).toMatch(/more distinct words than search can index/);
        expect(await articleCount()).toBe(before);
        expect(roomy.logs.filter((line) => line.level >= 50)).toEqual([]);
      } finally {
        await roomy.stop();
      }
    });

    it('refuses a slug that is taken', async () => {
      const response = await asEditor(`mutation { createArticle(input: { headline: "Pakistan Targets Balochistan Separatists After Widespread Attacks Kill Dozens", body: "B" }) { id } }`);
      expect(response.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'input.slug' }, message: 'input.slug: is already taken' });
    });

    it.each([
      ['bounds out of order', { number: null, low: 5, best: 3 }, 'input.low', /must not exceed best \(3\)/],
      ['a negative count', { number: -2 }, 'input.number', /must not be negative/],
      ['a count over 100,000,000', { qualifier: 'MORE_THAN', number: 2 ** 31 - 1 }, 'input.number', /at most 100,000,000/],
      ['a number and explicit bounds at once', { low: 3 }, 'input.number', /either `number`/],
      ['a qualifier that needs a number without one', { number: null }, 'input.number', /EXACT needs the number/],
      ['a period that ends before it starts', { periodStart: '2026-02-02T00:00:00Z', periodEnd: '2026-02-01T00:00:00Z' }, 'input.periodEnd', /before periodStart/],
      ['a quote over 2,000 characters', { quote: 'q'.repeat(2001) }, 'input.quote', /at most 2000/],
    ])('refuses a figure with %s and writes nothing', async (_, over, field, message) => {
      const before = await figureCount();
      const response = await asEditor(ADD_FIGURE, { a: seedArticleId, input: figureInput(over) });
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.violations).toContainEqual({ field, message: expect.stringMatching(message) });
      expect(await figureCount()).toBe(before);
    });

    it('accepts NEARLY coded from its number: best is the number said, high one below', async () => {
      const { article } = await articleWithWhole('nearly-story');
      const response = await asEditor(ADD_FIGURE, { a: article.id, input: figureInput({ qualifier: 'NEARLY', number: 30, outcome: 'INJURED' }) });
      expect(response.data.addCasualtyFigure).toMatchObject({ low: null, best: 30, high: 29, qualifier: 'NEARLY' });
    });

    it('refuses a part of a figure of another article, a part larger than its whole, and a cycle', async () => {
      const { article, whole } = await articleWithWhole('nesting-story');
      const [seedFigure] = (await ctx().store.figuresOfArticles([seedArticleId]))[0];
      const otherArticle = await asEditor(ADD_FIGURE, { a: article.id, input: figureInput({ partOfId: seedFigure.id }) });
      expect(otherArticle.errors![0].extensions!.violations).toContainEqual({ field: 'input.partOfId', message: 'must be a figure of the same article' });

      const tooBig = await asEditor(ADD_FIGURE, { a: article.id, input: figureInput({ number: 11, partOfId: whole.id }) });
      expect(tooBig.errors![0].extensions!.violations).toContainEqual({ field: 'input.low', message: expect.stringMatching(/add up to at least 11, more than its low of 10/) });

      const part = (await asEditor(ADD_FIGURE, { a: article.id, input: figureInput({ number: 6, partOfId: whole.id }) })).data.addCasualtyFigure;
      const secondPart = await asEditor(ADD_FIGURE, { a: article.id, input: figureInput({ number: 5, group: 'MILITANTS', partOfId: whole.id }) });
      expect(secondPart.errors![0].message).toMatch(/add up to at least 11/);

      const cycle = await asEditor(`mutation($id: ID!, $v: Int!, $p: ID) { updateCasualtyFigure(id: $id, version: $v, input: { partOfId: $p }) { id } }`,
        { id: whole.id, v: whole.version, p: part.id });
      expect(cycle.errors![0].extensions!.violations).toContainEqual({ field: 'input.partOfId', message: 'would make the figure part of itself' });
      const stored = (await ctx().store.figuresByIds([storeId(whole.id)]))[0]!;
      expect(stored).toMatchObject({ partOfId: null, version: 1 });
    });
  });

  describe('versions and revisions', () => {
    it('lets exactly one of two concurrent updates of one figure win; the other gets CONFLICT', async () => {
      const { article, whole } = await articleWithWhole('race-story');
      const update = (claimedBy: string) => asEditor(
        `mutation($id: ID!, $input: UpdateCasualtyFigureInput!) { updateCasualtyFigure(id: $id, version: 1, input: $input) { version claimedBy } }`,
        { id: whole.id, input: { claimedBy } });
      const [a, b] = await Promise.all([update('the police'), update('the army')]);
      const winners = [a, b].filter((r) => !r.errors);
      const losers = [a, b].filter((r) => r.errors);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0].errors![0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
      expect(losers[0].errors![0].message).toMatch(/version 2, not 1: someone else changed it/);

      const winner = winners[0].data.updateCasualtyFigure.claimedBy;
      const trail = await asEditor(`query($id: ID!) { article(id: $id) { casualtyFigures { id claimedBy version
        revisions { version action changedFields changedBy previous { claimedBy version } } } } }`, { id: article.id });
      const [stored] = trail.data.article.casualtyFigures;
      expect(stored).toMatchObject({ claimedBy: winner, version: 2 });
      expect(stored.revisions).toEqual([
        { version: 1, action: 'CREATE', changedFields: [], changedBy: expect.stringMatching(/^Night desk \(key [0-9a-f]{16}\)$/), previous: null },
        { version: 2, action: 'UPDATE', changedFields: ['claimedBy'], changedBy: expect.stringMatching(/^Night desk/), previous: { claimedBy: null, version: 1 } },
      ]);
    });

    it('refuses an update that names an old version, and changes nothing', async () => {
      const { article } = await articleWithWhole('stale-story');
      await asEditor(`mutation($id: ID!) { updateArticle(id: $id, version: 1, input: { headline: "First edit" }) { version } }`, { id: article.id });
      const stale = await asEditor(`mutation($id: ID!) { updateArticle(id: $id, version: 1, input: { headline: "Lost edit" }) { version } }`, { id: article.id });
      expect(stale.errors![0].extensions!.code).toBe('CONFLICT');
      expect((await ctx().store.scoped({ unpublished: true }).articlesByIds([storeId(article.id)]))[0]!.headline).toBe('First edit');
    });

    it('reads an article as it was published at an earlier moment, figures included', async () => {
      const { article, whole } = await articleWithWhole('asof-story');
      const createdAt = new Date();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await asEditor(`mutation($id: ID!) { updateArticle(id: $id, version: 1, input: { headline: "Corrected headline" }) { version } }`, { id: article.id });
      await asEditor(`mutation($id: ID!) { retractCasualtyFigure(id: $id, version: 1, reason: "Officials withdrew the toll") { id } }`, { id: whole.id });
      const read = `query($id: ID!, $at: DateTime) { article(id: $id, asOf: $at) { headline version casualtyFigures { id low } } }`;

      expect((await api.gql(read, { id: article.id, at: createdAt.toISOString() })).data.article)
        .toEqual({ headline: 'Story asof-story', version: 1, casualtyFigures: [{ id: whole.id, low: 10 }] });
      expect((await api.gql(read, { id: article.id })).data.article)
        .toEqual({ headline: 'Corrected headline', version: 2, casualtyFigures: [] });
      expect((await api.gql(read, { id: article.id, at: '2000-01-01T00:00:00Z' })).data.article).toBeNull();
    });

    it('answers null asOf a moment when the article was only a draft', async () => {
      const created = await asEditor(`mutation { createArticle(input: { headline: "Quiet draft", body: "B." }) { id } }`);
      const during = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await asEditor(`mutation($id: ID!) { publishArticle(id: $id, version: 1) { id } }`, { id: created.data.createArticle.id });
      const response = await api.gql(`query($id: ID!, $at: DateTime) { article(id: $id, asOf: $at) { id } }`, { id: created.data.createArticle.id, at: during });
      expect(response.data.article).toBeNull();
    });

    it('shows revisions to editors only', async () => {
      const response = await api.gql(`query($id: ID!) { article(id: $id) { revisions { version } } }`, { id: seedArticleId });
      expect(response.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('retraction', () => {
    it('keeps a retracted figure on record but out of lists, and refuses to retract a whole with live parts', async () => {
      const { article, whole } = await articleWithWhole('retract-story');
      const part = (await asEditor(ADD_FIGURE, { a: article.id, input: figureInput({ partOfId: whole.id }) })).data.addCasualtyFigure;
      const refused = await asEditor(`mutation($id: ID!) { retractCasualtyFigure(id: $id, version: 1, reason: "wrong") { id } }`, { id: whole.id });
      expect(refused.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'id' }, message: expect.stringMatching(new RegExp(`figures ${storeId(part.id)} are counted inside`)) });

      const retracted = await asEditor(`mutation($id: ID!) { retractCasualtyFigure(id: $id, version: 1, reason: "Double-counted") { ${FIGURE_FIELDS} } }`, { id: part.id });
      expect(retracted.data.retractCasualtyFigure).toMatchObject({ version: 2, retractionReason: 'Double-counted', retractedAt: expect.any(String) });
      const lists = await api.gql(`query($id: ID!) { article(id: $id) { casualtyFigures { id } all: casualtyFigures(filter: { includeRetracted: true }) { id } } }`, { id: article.id });
      expect(lists.data.article.casualtyFigures).toEqual([{ id: whole.id }]);
      expect(lists.data.article.all).toEqual([{ id: whole.id }, { id: part.id }]);
    });
  });

  describe('places and authors', () => {
    it('refuses to delete a place with places below it or articles about it, and deletes an unused one', async () => {
      const inUse = await asAdmin(`mutation($id: ID!) { deleteLocation(id: $id) }`, { id: balochistanId });
      expect(inUse.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'id' }, message: expect.stringMatching(/places below it/) });
      const created = await asEditor(`mutation($p: ID!) { createLocation(input: { name: "Kalat", kind: ADMIN2, parentId: $p }) { id ancestors { name } } }`, { p: balochistanId });
      expect(created.data.createLocation.ancestors.map((a: any) => a.name)).toEqual(['Balochistan', 'Pakistan']);
      const deleted = await asAdmin(`mutation($id: ID!) { deleteLocation(id: $id) }`, { id: created.data.createLocation.id });
      expect(deleted.data.deleteLocation).toBe(created.data.createLocation.id);
    });

    it('keeps the place tree a tree: kinds nest downwards and a place never moves under itself', async () => {
      const wrongKind = await asEditor(`mutation($p: ID!) { createLocation(input: { name: "Odd", kind: COUNTRY, parentId: $p }) { id } }`, { p: balochistanId });
      expect(wrongKind.errors![0].message).toMatch(/a COUNTRY has no parent/);
      const pk = (await ctx().store.locationsByIsoCodes(['PK']))[0]!;
      const loop = await asAdmin(`mutation($id: ID!, $p: ID!) { updateLocation(id: $id, input: { parentId: $p }) { id } }`, { id: pk.id, p: balochistanId });
      expect(loop.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    });

    it('refuses to delete an author who signs articles', async () => {
      const rawderm = (await ctx().store.authorsBySlugs(['rawderm']))[0]!;
      const response = await asAdmin(`mutation($id: ID!) { deleteAuthor(id: $id) }`, { id: rawderm.id });
      expect(response.errors![0].message).toMatch(/1 articles/);
    });
  });

  describe('import', () => {
    const IMPORT = `mutation($articles: [ImportArticleInput!]!) { importArticles(articles: $articles) {
      created updated unchanged rejected records { index slug outcome problems { field message } article { id casualtyFigures { low partOf { id } } } } } }`;
    const record = (slug: string, over: Record<string, unknown> = {}) => ({
      headline: `Imported ${slug}`, slug, body: 'At least 20 people were killed, including 12 civilians.',
      sourceUrl: `https://example.org/${slug}`, status: 'PUBLISHED', locationIds: [balochistanId],
      figures: [
        { key: 'all', outcome: 'KILLED', group: 'UNSPECIFIED', qualifier: 'AT_LEAST', number: 20, claimantType: 'OFFICIAL', verification: 'REPORTED', quote: 'At least 20 people were killed, including 12 civilians.' },
        { key: 'civ', partOf: 'all', outcome: 'KILLED', group: 'CIVILIANS', qualifier: 'EXACT', number: 12, claimantType: 'OFFICIAL', verification: 'REPORTED', quote: 'At least 20 people were killed, including 12 civilians.' },
      ],
      ...over,
    });

    it('stores the good records, rejects a bad one without a trace, and is idempotent', async () => {
      const bad = record('import-bad', { figures: [{ ...record('x').figures[0], number: 5 }, { ...record('x').figures[1], number: 12 }] });
      const first = await asEditor(IMPORT, { articles: [record('import-a'), bad, record('import-b')] });
      expect(first.errors).toBeUndefined();
      const report = first.data.importArticles;
      expect(report).toMatchObject({ created: 2, updated: 0, unchanged: 0, rejected: 1 });
      expect(report.records[1]).toMatchObject({ index: 1, slug: 'import-bad', outcome: 'REJECTED', article: null });
      expect(report.records[1].problems).toContainEqual({ field: 'figures.1.low', message: expect.stringMatching(/more than its low of 5/) });
      expect(await ctx().store.scoped({ unpublished: true }).articlesBySlugs(['import-bad'])).toEqual([null]);
      const [, civ] = report.records[0].article.casualtyFigures;
      expect(civ.partOf).not.toBeNull();

      const again = (await asEditor(IMPORT, { articles: [record('import-a')] })).data.importArticles;
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
      expect(again.records[0].article.id).toBe(report.records[0].article.id);

      const changed = (await asEditor(IMPORT, { articles: [record('import-a', { headline: 'Imported import-a, corrected', figures: [record('x').figures[0]] })] })).data.importArticles;
      expect(changed).toMatchObject({ updated: 1 });
      expect(changed.records[0].article.casualtyFigures).toHaveLength(1);
      const stored = await ctx().store.scoped({ unpublished: true }).articlesBySlugs(['import-a']);
      expect(stored[0]).toMatchObject({ headline: 'Imported import-a, corrected', version: 2 });
    });

    it('rejects a figure with an empty key, and stores the record once its keys are given', async () => {
      const keyless = record('import-keyless', { figures: [{ ...record('x').figures[0], key: '' }] });
      const response = (await asEditor(IMPORT, { articles: [keyless] })).data.importArticles;
      expect(response.records[0]).toMatchObject({ outcome: 'REJECTED', problems: [{ field: 'figures.0.key', message: 'must not be empty' }] });
      const keyed = (await asEditor(IMPORT, { articles: [record('import-keyless')] })).data.importArticles;
      expect(keyed.records[0].outcome).toBe('CREATED');
    });

    it('reports every problem of a malformed record by field', async () => {
      const response = await asEditor(IMPORT, { articles: [record('import-c', {
        headline: ' ', figures: [{ ...record('x').figures[1], partOf: 'missing' }],
      })] });
      const problems = response.data.importArticles.records[0].problems;
      expect(problems).toEqual(expect.arrayContaining([
        { field: 'headline', message: 'must not be blank' },
      ]));
    });
  });
});
