import { createApiKey } from '../src/auth/api-keys';
import { CachedStore } from '../src/cache/cached-store';
import { MemoryCache } from '../src/cache/memory';
import { proposeFigures, type ProposedFigureFields } from '../src/editorial/editorial';
import { migrate } from '../src/store/migrate';
import { SqlStore } from '../src/store/sql-store';
import type { ContentStore } from '../src/store/store';
import { startTestGateway, type TestGateway } from './support/gateway';
import { ENGINES, describeEachEngine, openTestDb } from './support/stores';
import { postgresAvailable } from './support/services';
import { storeId } from './support/ids';
import { toGlobalId } from '../src/global-ids';

/**
 * Reviewed before counted (issue 18, item 5): figures ingestion proposes (origin EXTRACTED, with a
 * confidence, PENDING) are seen by editors only and counted nowhere until an editor accepts them
 * (`reviewCasualtyFigure`); an article with figures awaiting review cannot be published.
 */
const FIELDS = `id version low best high origin confidence reviewStatus partOf { id }`;
const REVIEW = `mutation($id: ID!, $v: Int!, $d: ReviewDecision!, $edit: UpdateCasualtyFigureInput) {
  reviewCasualtyFigure(id: $id, version: $v, decision: $d, edit: $edit) { ${FIELDS} revisions { version action changedFields changedBy } } }`;
const PUBLISH = `mutation($id: ID!, $v: Int!) { publishArticle(id: $id, version: $v) { id status version } }`;
const STATS = `query($ids: [ID!]) { casualtyStats(filter: { articleIds: $ids }) {
  total { low figures } leftOut { reason figures low } } }`;
const FIGURES_OF = `query($a: ID!) { article(id: $a) { casualtyFigures { ${FIELDS} } } }`;
const LIST = `query($a: ID!) { casualtyFigures(filter: { articleId: $a }) { totalCount edges { node { id } } } }`;

type Figure = { id: string; version: number; [field: string]: any };

describeEachEngine('figure review', (ctx) => {
  let api: TestGateway;
  let editor: Record<string, string>;
  let stories = 0;
  const started: TestGateway[] = [];
  const gateway = async (store: ContentStore = ctx().store) => {
    const one = await startTestGateway(store);
    started.push(one);
    return one;
  };

  beforeAll(async () => {
    editor = { authorization: `Bearer ${(await createApiKey(ctx().store, 'Desk', 'editor')).key}` };
    api = await gateway();
  });
  afterAll(() => Promise.all(started.map((g) => g.stop())));

  const asEditor = (query: string, variables?: Record<string, unknown>, on = api) => on.gql(query, variables, editor);
  const figure = (over: Record<string, unknown> = {}) => ({
    outcome: 'KILLED', group: 'CIVILIANS', qualifier: 'EXACT', number: 5, claimantType: 'OFFICIAL',
    verification: 'REPORTED', quote: 'Five people were killed, officials said.', ...over,
  });

  /** A new article (PUBLISHED unless told) with one figure an editor entered: 5 killed. */
  async function story(status = 'PUBLISHED', on = api): Promise<{ id: string; version: number }> {
    stories += 1;
    const created = await asEditor(`mutation($input: CreateArticleInput!) { createArticle(input: $input) { id version } }`, {
      input: {
        headline: `Review story ${stories}`, status, publishedAt: '2025-03-01T00:00:00Z',
        body: 'Five people were killed and twelve wounded when gunmen attacked a bus, officials said.',
      },
    }, on);
    expect(created.errors).toBeUndefined();
    const { id } = created.data.createArticle;
    const added = await asEditor(`mutation($a: ID!, $input: CasualtyFigureInput!) { addCasualtyFigure(articleId: $a, input: $input) { origin reviewStatus } }`,
      { a: id, input: figure() }, on);
    expect(added.data.addCasualtyFigure).toEqual({ origin: 'MANUAL', reviewStatus: 'ACCEPTED' });
    return created.data.createArticle;
  }

  /** What ingestion would propose for the story: 12 wounded (confidence 0.8), and 3 police among them. */
  const proposals = (): ProposedFigureFields[] => [
    { ...figure({ outcome: 'INJURED', number: 12, quote: 'Twelve were wounded.' }), key: 'wounded', confidence: 0.8 },
    { ...figure({ outcome: 'INJURED', number: 3, group: 'SECURITY_FORCES', quote: 'Three police among them.' }), key: 'police', partOf: 'wounded', confidence: 0.55 },
  ] as ProposedFigureFields[];

  /** Proposes `proposals()` for the article with global id `articleId`; the figures come back with global ids, as the graph names them. */
  const propose = async (articleId: string, store: ContentStore = ctx().store) =>
    (await proposeFigures(store, 'ingest', storeId(articleId), proposals())).map((f) => ({
      ...f, id: toGlobalId('CasualtyFigure', f.id), partOfId: f.partOfId && toGlobalId('CasualtyFigure', f.partOfId),
    }));

  const publicStats = async (articleId: string, on = api) => (await on.gql(STATS, { ids: [articleId] })).data.casualtyStats;
  const editorStats = async (articleId: string) => (await asEditor(STATS, { ids: [articleId] })).data.casualtyStats;
  const publicFigures = async (articleId: string, on = api) => (await on.gql(FIGURES_OF, { a: articleId })).data.article.casualtyFigures;
  const editorFigures = async (articleId: string, on = api) => (await asEditor(FIGURES_OF, { a: articleId }, on)).data.article.casualtyFigures;

  describe('proposed figures', () => {
    it('are EXTRACTED and PENDING with their confidence, seen by editors only, and counted nowhere', async () => {
      const { id } = await story();
      const [wounded, police] = await propose(id);
      expect(wounded).toMatchObject({ origin: 'EXTRACTED', confidence: 0.8, reviewStatus: 'PENDING', version: 1 });
      expect(police).toMatchObject({ partOfId: wounded.id, confidence: 0.55 });

      const seen = await editorFigures(id);
      expect(seen.map((f: Figure) => [f.id, f.origin, f.reviewStatus])).toEqual([
        [expect.any(String), 'MANUAL', 'ACCEPTED'], [wounded.id, 'EXTRACTED', 'PENDING'], [police.id, 'EXTRACTED', 'PENDING'],
      ]);
      expect((await publicFigures(id)).map((f: Figure) => f.origin)).toEqual(['MANUAL']);
      const listed = await api.gql(LIST, { a: id });
      expect(listed.data.casualtyFigures.totalCount).toBe(1);
      const one = await api.gql(`query($id: ID!) { casualtyFigure(id: $id) { id } }`, { id: wounded.id });
      expect(one.data?.casualtyFigure ?? null).toBeNull();

      // Only the editor's 5 killed count, for the public and for editors; nothing is reported left out.
      for (const stats of [await publicStats(id), await editorStats(id)]) {
        expect(stats).toEqual({ total: { low: 5, figures: 1 }, leftOut: [] });
      }
    });

    it('stay hidden from the public in an article read `asOf` a moment, even once accepted later', async () => {
      const { id } = await story();
      const [wounded] = await propose(id);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const before = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'ACCEPT' });
      const asOf = `query($a: ID!, $at: DateTime) { article(id: $a, asOf: $at) { casualtyFigures { id reviewStatus } } }`;
      const then = await api.gql(asOf, { a: id, at: before });
      expect(then.data.article.casualtyFigures.map((f: Figure) => f.reviewStatus)).toEqual(['ACCEPTED']);
      const thenForEditors = await asEditor(asOf, { a: id, at: before });
      expect(thenForEditors.data.article.casualtyFigures.map((f: Figure) => f.reviewStatus)).toEqual(['ACCEPTED', 'PENDING', 'PENDING']);
      const now = await api.gql(asOf, { a: id, at: new Date().toISOString() });
      expect(now.data.article.casualtyFigures.map((f: Figure) => f.id)).toContain(wounded.id);
    });

    it('keep their review fields through the bulk loader', async () => {
      const { id } = await story();
      const [bulk] = await ctx().store.insertFigures([{
        articleId: storeId(id), position: 5, outcome: 'KILLED', group: 'CIVILIANS', low: 2, best: 2, high: 2, qualifier: 'EXACT',
        claimedBy: null, claimantType: 'OFFICIAL', verification: 'REPORTED', quote: 'Two died.', locationId: null,
        periodStart: null, periodEnd: null, partOfId: null, origin: 'EXTRACTED', confidence: 0.25, reviewStatus: 'PENDING',
      }]);
      expect((await editorFigures(id)).find((f: Figure) => f.id === toGlobalId('CasualtyFigure', bulk))).toMatchObject({ origin: 'EXTRACTED', confidence: 0.25, reviewStatus: 'PENDING' });
      expect(await publicFigures(id)).toHaveLength(1);
    });

    it('are refused whole when one breaks a rule, naming it', async () => {
      const { id } = await story();
      const bad = proposals();
      bad[1] = { ...bad[1], confidence: 1.5 };
      await expect(proposeFigures(ctx().store, 'ingest', storeId(id), bad)).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', argument: 'figures.1.confidence' },
      });
      expect(await editorFigures(id)).toHaveLength(1);
    });
  });

  describe('reviewCasualtyFigure', () => {
    it('ACCEPT makes a figure listed and counted, recording an ACCEPT revision', async () => {
      const { id } = await story();
      const [wounded] = await propose(id);
      const accepted = await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'ACCEPT' });
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data.reviewCasualtyFigure).toMatchObject({ reviewStatus: 'ACCEPTED', origin: 'EXTRACTED', confidence: 0.8, version: 2 });
      expect(accepted.data.reviewCasualtyFigure.revisions.map((r: any) => [r.version, r.action, r.changedFields])).toEqual([
        [1, 'CREATE', []], [2, 'ACCEPT', ['reviewStatus']],
      ]);
      expect((await publicFigures(id)).map((f: Figure) => f.id)).toContain(wounded.id);
      const stats = await publicStats(id);
      expect(stats.total).toEqual({ low: 17, figures: 2 });
    });

    it('REJECT keeps the figure for editors only, never counted, and may be reconsidered', async () => {
      const { id } = await story();
      const [wounded, police] = await propose(id);
      // Its part still proposes to be counted inside it: rejected first.
      const early = await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'REJECT' });
      expect(early.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'id' } });
      expect(early.errors?.[0].message).toContain(storeId(police.id));

      expect((await asEditor(REVIEW, { id: police.id, v: 1, d: 'REJECT' })).errors).toBeUndefined();
      const rejected = await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'REJECT' });
      expect(rejected.errors).toBeUndefined();
      expect(rejected.data.reviewCasualtyFigure).toMatchObject({ reviewStatus: 'REJECTED', version: 2 });
      expect(rejected.data.reviewCasualtyFigure.revisions.at(-1)).toMatchObject({ action: 'REJECT', changedFields: ['reviewStatus'] });
      expect((await editorFigures(id)).map((f: Figure) => f.reviewStatus)).toEqual(['ACCEPTED', 'REJECTED', 'REJECTED']);
      expect((await publicFigures(id))).toHaveLength(1);
      expect(await editorStats(id)).toEqual({ total: { low: 5, figures: 1 }, leftOut: [] });

      // A rejected figure does not hold up publication; reconsidered, it counts.
      const reconsidered = await asEditor(REVIEW, { id: wounded.id, v: 2, d: 'ACCEPT' });
      expect(reconsidered.data.reviewCasualtyFigure.reviewStatus).toBe('ACCEPTED');
      expect((await publicStats(id)).total).toEqual({ low: 17, figures: 2 });
    });

    it('EDIT applies the changes and accepts, in one revision that keeps the proposal', async () => {
      const { id } = await story();
      const [wounded] = await propose(id);
      const edited = await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'EDIT', edit: { qualifier: 'AT_LEAST', number: 14 } });
      expect(edited.errors).toBeUndefined();
      expect(edited.data.reviewCasualtyFigure).toMatchObject({ reviewStatus: 'ACCEPTED', low: 14, best: 14, high: null, version: 2 });
      const [, last] = edited.data.reviewCasualtyFigure.revisions;
      expect(last).toMatchObject({ version: 2, action: 'ACCEPT', changedBy: expect.stringContaining('Desk') });
      expect([...last.changedFields].sort()).toEqual(['best', 'high', 'low', 'qualifier', 'reviewStatus']);
      const history = await asEditor(`query($a: ID!) { article(id: $a) { casualtyFigures { id revisions { previous { low reviewStatus } } } } }`, { a: id });
      const previous = history.data.article.casualtyFigures.find((f: Figure) => f.id === wounded.id).revisions[1].previous;
      expect(previous).toEqual({ low: 12, reviewStatus: 'PENDING' });
      expect((await publicStats(id)).total).toEqual({ low: 19, figures: 2 });
    });

    it('refuses EDIT without changes, a bad edit, and ACCEPT with an edit, changing nothing', async () => {
      const { id } = await story();
      const [wounded] = await propose(id);
      const none = await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'EDIT' });
      expect(none.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'edit' });
      const bad = await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'EDIT', edit: { quote: null } });
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'edit.quote' });
      const mixed = await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'ACCEPT', edit: { number: 3 } });
      expect(mixed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'edit' });
      expect((await editorFigures(id))[1]).toMatchObject({ version: 1, reviewStatus: 'PENDING', low: 12 });
    });

    it('accepts a part only once its whole is accepted', async () => {
      const { id } = await story();
      const [wounded, police] = await propose(id);
      const early = await asEditor(REVIEW, { id: police.id, v: 1, d: 'ACCEPT' });
      expect(early.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
      expect(early.errors?.[0].message).toContain(`names figure ${storeId(wounded.id)}, which is pending`);
      expect((await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'ACCEPT' })).errors).toBeUndefined();
      expect((await asEditor(REVIEW, { id: police.id, v: 1, d: 'ACCEPT' })).errors).toBeUndefined();
      // The part is counted inside its whole, not added to it.
      expect((await publicStats(id)).total).toEqual({ low: 17, figures: 3 });
    });

    it('refuses an old version with CONFLICT and the current version', async () => {
      const { id } = await story();
      const [wounded] = await propose(id);
      expect((await asEditor(`mutation($id: ID!) { updateCasualtyFigure(id: $id, version: 1, input: { number: 13 }) { version reviewStatus } }`,
        { id: wounded.id })).data.updateCasualtyFigure).toEqual({ version: 2, reviewStatus: 'PENDING' });
      const stale = await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'ACCEPT' });
      expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
      expect((await editorFigures(id))[1].reviewStatus).toBe('PENDING');
    });

    it('refuses a figure already accepted, whatever its origin', async () => {
      const { id } = await story();
      const [manual] = await editorFigures(id);
      const response = await asEditor(REVIEW, { id: manual.id, v: 1, d: 'REJECT' });
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
      expect(response.errors?.[0].message).toContain('already accepted');
      expect(await publicStats(id)).toEqual({ total: { low: 5, figures: 1 }, leftOut: [] });
    });

    it('needs an editor key: none is UNAUTHENTICATED', async () => {
      const { id } = await story();
      const [wounded] = await propose(id);
      const anonymous = await api.gql(REVIEW, { id: wounded.id, v: 1, d: 'ACCEPT' });
      expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect((await editorFigures(id))[1].reviewStatus).toBe('PENDING');
    });

    it('refuses NOT_FOUND for an id that is no figure', async () => {
      const response = await asEditor(REVIEW, { id: '99999999', v: 1, d: 'ACCEPT' });
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', id: '99999999' });
    });

    it('keeps an editor\'s figure from linking to one awaiting review', async () => {
      const { id } = await story();
      const [wounded] = await propose(id);
      const linked = await asEditor(`mutation($a: ID!, $input: CasualtyFigureInput!) { addCasualtyFigure(articleId: $a, input: $input) { id } }`,
        { a: id, input: figure({ outcome: 'INJURED', number: 2, partOfId: wounded.id }) });
      expect(linked.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.partOfId' });
    });
  });

  describe('imported figures', () => {
    it('are IMPORTED and accepted as written, counted at once', async () => {
      const imported = await asEditor(`mutation($articles: [ImportArticleInput!]!) { importArticles(articles: $articles) {
        records { article { id casualtyFigures { origin confidence reviewStatus } } problems { field message } } } }`, {
        articles: [{
          headline: 'Imported review story', body: 'Seven were killed.', status: 'PUBLISHED', publishedAt: '2025-03-02T00:00:00Z',
          figures: [{ ...figure({ number: 7, quote: 'Seven were killed.' }), key: 'seven' }],
        }],
      });
      const [record] = imported.data.importArticles.records;
      expect(record.problems).toEqual([]);
      expect(record.article.casualtyFigures).toEqual([{ origin: 'IMPORTED', confidence: null, reviewStatus: 'ACCEPTED' }]);
      expect((await publicStats(record.article.id)).total).toEqual({ low: 7, figures: 1 });
    });
  });

  describe('publishing', () => {
    it('is refused while figures await review, naming them; allowed once each is reviewed', async () => {
      const draft = await story('DRAFT');
      const [wounded, police] = await propose(draft.id);
      const refused = await asEditor(PUBLISH, { id: draft.id, v: draft.version });
      expect(refused.errors).toHaveLength(1);
      expect(refused.errors![0].extensions).toMatchObject({
        code: 'FIGURES_PENDING_REVIEW', articleId: storeId(draft.id), figureIds: [wounded.id, police.id].map(storeId),
      });
      expect(refused.errors![0].message).toContain(`${storeId(wounded.id)}, ${storeId(police.id)}`);
      expect((await asEditor(`query($a: ID!) { article(id: $a) { status } }`, { a: draft.id })).data.article.status).toBe('DRAFT');

      await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'ACCEPT' });
      const still = await asEditor(PUBLISH, { id: draft.id, v: draft.version });
      expect(still.errors![0].extensions).toMatchObject({ code: 'FIGURES_PENDING_REVIEW', figureIds: [storeId(police.id)] });
      await asEditor(REVIEW, { id: police.id, v: 1, d: 'REJECT' });
      const published = await asEditor(PUBLISH, { id: draft.id, v: draft.version });
      expect(published.errors).toBeUndefined();
      expect(published.data.publishArticle.status).toBe('PUBLISHED');
      expect((await publicFigures(draft.id)).map((f: Figure) => f.id)).toEqual([expect.any(String), wounded.id]);
    });
  });

  describe('behind the record cache', () => {
    it('shows an accepted figure to the public at once, in lists and totals', async () => {
      const store = new CachedStore(ctx().store, new MemoryCache());
      const cached = await gateway(store);
      const { id } = await story('PUBLISHED', cached);
      const [wounded] = await propose(id, store);
      expect(await publicFigures(id, cached)).toHaveLength(1);
      expect((await publicStats(id, cached)).total.low).toBe(5); // now cached
      await asEditor(REVIEW, { id: wounded.id, v: 1, d: 'ACCEPT' }, cached);
      expect((await publicFigures(id, cached)).map((f: Figure) => f.id)).toContain(wounded.id);
      expect((await publicStats(id, cached)).total.low).toBe(17);
    });
  });
});

for (const engine of ENGINES) {
  (engine === 'postgres' && !postgresAvailable() ? describe.skip : describe)(`migration 0009 on stored figures [${engine}]`, () => {
    it('keeps every figure stored before it accepted and counted: MANUAL, or IMPORTED when it has an import key', async () => {
      const t = await openTestDb(engine);
      try {
        await migrate(t.db, 8);
        await t.db.query(`INSERT INTO articles (slug, headline, body, status, published_at)
          VALUES ('before-review', 'Before review', 'Four killed.', 'PUBLISHED', '2025-01-01')`);
        await t.db.query(`INSERT INTO casualty_figures (article_id, position, outcome, population, low, best, high, qualifier,
            claimant_type, verification, quote, import_key)
          SELECT id, n, 'KILLED', 'CIVILIANS', n + 1, n + 1, n + 1, 'EXACT', 'OFFICIAL', 'REPORTED', 'q', CASE WHEN n = 1 THEN 'k' END
            FROM articles, generate_series(0, 1) n WHERE slug = 'before-review'`);
        await migrate(t.db);
        const { rows } = await t.db.query(
          `SELECT low, origin, confidence, review_status FROM casualty_figures ORDER BY position`);
        expect(rows).toEqual([
          { low: 1, origin: 'MANUAL', confidence: null, review_status: 'ACCEPTED' },
          { low: 2, origin: 'IMPORTED', confidence: null, review_status: 'ACCEPTED' },
        ]);
        const store = new SqlStore(t.db);
        const stats = await store.casualtyStats({ filter: {}, groupBy: [], regionLevel: 'ADMIN1', timeBucket: 'MONTH' });
        expect(stats.total).toMatchObject({ low: 3, figures: 2 });
        // The database keeps the rules for whatever writes: no confidence but for an extracted figure.
        await expect(t.db.query(`UPDATE casualty_figures SET confidence = 0.5 WHERE position = 0`)).rejects.toThrow(/casualty_figures_confidence_check/);
        await expect(t.db.query(`UPDATE casualty_figures SET review_status = 'PENDING' WHERE position = 0`)).rejects.toThrow(/casualty_figures_reviewed_check/);
      } finally {
        await t.dispose();
      }
    });
  });
}
