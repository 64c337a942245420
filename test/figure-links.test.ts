import { createApiKey } from '../src/auth/api-keys';
import { MemoryCache } from '../src/cache/memory';
import { CachedStore } from '../src/cache/cached-store';
import type { ContentStore } from '../src/store/store';
import { startTestGateway, type TestGateway } from './support/gateway';
import { describeEachEngine } from './support/stores';
import { storeId } from './support/ids';
import { toGlobalId } from '../src/global-ids';

/**
 * The second edition's figure fields through the API (docs/editorial.md): BETWEEN's second number,
 * `who`, `background`, and the links `restatesId` / `supersedesId` with their rules, in mutations,
 * the import, revisions, `asOf` and the record cache.
 */
const FIELDS = `id version outcome low best high qualifier who background partOf { id } restates { id } restatedBy { id }
  supersedes { id } supersededBy { id }`;
const ADD = `mutation($a: ID!, $input: CasualtyFigureInput!) { addCasualtyFigure(articleId: $a, input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: UpdateCasualtyFigureInput!) { updateCasualtyFigure(id: $id, version: $v, input: $input) { ${FIELDS} } }`;
const RETRACT = `mutation($id: ID!, $v: Int!) { retractCasualtyFigure(id: $id, version: $v, reason: "wrong") { id retractedAt } }`;

type Figure = { id: string; version: number; [field: string]: any };

describeEachEngine('figure links and the second edition\'s fields', (ctx) => {
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

  const asEditor = (query: string, variables?: Record<string, unknown>) => api.gql(query, variables, editor);
  const input = (over: Record<string, unknown> = {}) => ({
    outcome: 'KILLED', group: 'CIVILIANS', qualifier: 'EXACT', number: 5, claimantType: 'OFFICIAL',
    verification: 'REPORTED', quote: 'Five people were killed.', ...over,
  });

  /** A new published article; resolves to its id. */
  async function story(gateway = api): Promise<string> {
    stories += 1;
    const created = await gateway.gql(`mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`, {
      input: { headline: `Links story ${stories}`, body: 'Five people were killed, officials said.', status: 'PUBLISHED' },
    }, editor);
    expect(created.errors).toBeUndefined();
    return created.data.createArticle.id;
  }

  async function add(articleId: string, over: Record<string, unknown> = {}, gateway = api): Promise<Figure> {
    const added = await gateway.gql(ADD, { a: articleId, input: input(over) }, editor);
    expect(added.errors).toBeUndefined();
    return added.data.addCasualtyFigure;
  }

  /** The one error's violations, expecting BAD_USER_INPUT. */
  function violationsOf(response: { errors?: { extensions?: Record<string, any> }[] }) {
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    return response.errors![0].extensions!.violations as { field: string; message: string }[];
  }

  /** Figure `id` of article `a` as it stands, retracted or not. */
  async function current(a: string, id: string): Promise<Figure> {
    const read = await asEditor(`query($a: ID!) { article(id: $a) { casualtyFigures(filter: { includeRetracted: true }) { ${FIELDS} } } }`, { a });
    return read.data.article.casualtyFigures.find((figure: Figure) => figure.id === id);
  }

  describe('the fields', () => {
    it('stores BETWEEN from two numbers, `who` trimmed, `background`, and the links both ways', async () => {
      const a = await story();
      const first = await add(a, { qualifier: 'BETWEEN', number: 400, numberHigh: 500, who: '  police officers, including a deputy superintendent ' });
      expect(first).toMatchObject({ low: 400, best: null, high: 500, who: 'police officers, including a deputy superintendent', background: false });
      const again = await add(a, { qualifier: 'AT_LEAST', number: 420, restatesId: first.id });
      const revised = await add(a, { qualifier: 'EXACT', number: 450, supersedesId: again.id });
      const old = await add(a, { number: 70, background: true, who: '' });
      expect(old).toMatchObject({ background: true, who: null });
      expect(await current(a, first.id)).toMatchObject({ restatedBy: [{ id: again.id }], supersededBy: null });
      expect(await current(a, again.id)).toMatchObject({ restates: { id: first.id }, supersededBy: { id: revised.id } });
      expect(await current(a, revised.id)).toMatchObject({ supersedes: { id: again.id } });
    });

    it('refuses `who` over 200 characters, and a second number for anything but BETWEEN', async () => {
      const a = await story();
      expect(violationsOf(await asEditor(ADD, { a, input: input({ who: 'w'.repeat(201) }) })))
        .toContainEqual({ field: 'input.who', message: 'must be at most 200 characters' });
      expect(violationsOf(await asEditor(ADD, { a, input: input({ numberHigh: 9 }) })))
        .toContainEqual({ field: 'input.numberHigh', message: expect.stringMatching(/only BETWEEN takes a second number/) });
      expect(violationsOf(await asEditor(ADD, { a, input: input({ qualifier: 'BETWEEN', number: 9, numberHigh: 3 }) })))
        .toContainEqual({ field: 'input.numberHigh', message: 'must not be below `number` (9)' });
    });

    it('updates to BETWEEN with both numbers, and changes `who` and `background`', async () => {
      const figure = await add(await story());
      const between = await asEditor(UPDATE, { id: figure.id, v: 1, input: { qualifier: 'BETWEEN', number: 4, numberHigh: 6, who: ' inmates ', background: true } });
      expect(between.errors).toBeUndefined();
      expect(between.data.updateCasualtyFigure).toMatchObject({ qualifier: 'BETWEEN', low: 4, best: null, high: 6, who: 'inmates', background: true, version: 2 });
      const secondOnly = await asEditor(UPDATE, { id: figure.id, v: 2, input: { numberHigh: 8 } });
      expect(violationsOf(secondOnly)).toContainEqual({ field: 'input.number', message: 'BETWEEN needs the first number too' });
      expect(violationsOf(await asEditor(UPDATE, { id: figure.id, v: 2, input: { background: null } })))
        .toContainEqual({ field: 'input.background', message: 'cannot be cleared; leave it out to keep it' });
    });
  });

  describe('the rules', () => {
    it.each(['restatesId', 'supersedesId'])('refuses a %s of another article or of a retracted figure', async (field) => {
      const elsewhere = await add(await story());
      const a = await story();
      const retracted = await add(a);
      await asEditor(RETRACT, { id: retracted.id, v: 1 });
      expect(violationsOf(await asEditor(ADD, { a, input: input({ [field]: elsewhere.id }) })))
        .toEqual([{ field: `input.${field}`, message: 'must be a figure of the same article' }]);
      expect(violationsOf(await asEditor(ADD, { a, input: input({ [field]: retracted.id }) })))
        .toContainEqual({ field: `input.${field}`, message: 'must not be a retracted figure' });
    });

    it('refuses a loop of links of any mix of partOf, restates and supersedes', async () => {
      const a = await story();
      const whole = await add(a, { number: 20 });
      const again = await add(a, { number: 20, restatesId: whole.id });
      const loop = await asEditor(UPDATE, { id: whole.id, v: 1, input: { supersedesId: again.id } });
      expect(violationsOf(loop)).toContainEqual({ field: 'input.supersedesId',
        message: `would make a loop of figure links back to this figure (${storeId(whole.id)} supersedes ${storeId(again.id)}, ${storeId(again.id)} restates ${storeId(whole.id)})` });
      const part = await add(a, { number: 3, partOfId: again.id });
      const deeper = await asEditor(UPDATE, { id: whole.id, v: 1, input: { partOfId: part.id } });
      expect(violationsOf(deeper)).toContainEqual({ field: 'input.partOfId', message: expect.stringMatching(
        new RegExp(`loop of figure links back to this figure \\(${storeId(whole.id)} partOf ${storeId(part.id)}, ${storeId(part.id)} partOf ${storeId(again.id)}, ${storeId(again.id)} restates ${storeId(whole.id)}\\)`)) });
      expect(violationsOf(await asEditor(UPDATE, { id: whole.id, v: 1, input: { restatesId: whole.id } })))
        .toEqual([{ field: 'input.restatesId', message: `would make a loop of figure links back to this figure (${storeId(whole.id)} restates ${storeId(whole.id)})` }]);
      expect(violationsOf(await asEditor(UPDATE, { id: whole.id, v: 1, input: { partOfId: whole.id } })))
        .toContainEqual({ field: 'input.partOfId', message: 'would make the figure part of itself' });
      expect(await current(a, whole.id)).toMatchObject({ version: 1, partOf: null, supersedes: null });
    });

    it('keeps a revised count to its outcome, and a chain of revisions unforked', async () => {
      const a = await story();
      const killed = await add(a);
      expect(violationsOf(await asEditor(ADD, { a, input: input({ outcome: 'INJURED', supersedesId: killed.id }) })))
        .toEqual([{ field: 'input.supersedesId', message: `must name a figure of the same outcome: figure ${storeId(killed.id)} is KILLED, this one INJURED` }]);
      const newer = await add(a, { number: 21, supersedesId: killed.id });
      expect(violationsOf(await asEditor(ADD, { a, input: input({ number: 22, supersedesId: killed.id }) })))
        .toEqual([{ field: 'input.supersedesId', message: `figure ${storeId(killed.id)} is already superseded by figure ${storeId(newer.id)}: supersede figure ${storeId(newer.id)} instead` }]);
      expect(violationsOf(await asEditor(UPDATE, { id: killed.id, v: 1, input: { outcome: 'INJURED' } })))
        .toEqual([{ field: 'input.outcome', message: `figure ${storeId(newer.id)} supersedes this one and is KILLED: a revised count keeps its outcome` }]);
      const chained = await add(a, { number: 23, supersedesId: newer.id });
      expect(await current(a, newer.id)).toMatchObject({ supersedes: { id: killed.id }, supersededBy: { id: chained.id } });
    });

    it('keeps the parts of a restated set within the set: contradicting counts take the smallest low', async () => {
      const a = await story();
      const taliban = await add(a, { number: 5, claimantType: 'ARMED_GROUP' });
      await add(a, { number: 4, group: 'SECURITY_FORCES', partOfId: taliban.id });
      // "local officials said two": with it the set spans 2 to 5, and its parts (4) would exceed its low.
      const officials = await asEditor(ADD, { a, input: input({ number: 2, restatesId: taliban.id }) });
      expect(violationsOf(officials)).toEqual([{ field: 'input.low', message: `the parts of the set of figures ${storeId(taliban.id)}, the new one (the same people) ` +
        'would add up to at least 4, more than the set\'s low of 2: their counts contradict, so the set takes the smallest low and the largest high' }]);
    });

    it('keeps each part of a restated set at most the set\'s high: agreeing counts take the smallest high', async () => {
      const a = await story();
      const about = await add(a, { qualifier: 'ABOUT', number: 30 });
      const part = await add(a, { number: 12, partOfId: about.id });
      const upTo = await asEditor(ADD, { a, input: input({ qualifier: 'UP_TO', number: 10, restatesId: about.id }) });
      expect(violationsOf(upTo)).toEqual([{ field: 'input.low',
        message: `figure ${storeId(part.id)} would exceed the high (10) of the set of figures ${storeId(about.id)}, the new one (the same people) it is part of` }]);
    });

    it('lets agreeing counts narrow the set to their common ground, and refuses to retract one the parts need', async () => {
      const a = await story();
      const atLeast = await add(a, { qualifier: 'AT_LEAST', number: 10 });
      expect(violationsOf(await asEditor(ADD, { a, input: input({ number: 14, partOfId: atLeast.id }) })))
        .toContainEqual({ field: 'input.low', message: expect.stringMatching(/more than its low of 10/) });
      const exact = await add(a, { number: 15, restatesId: atLeast.id });
      const part = await add(a, { number: 14, partOfId: atLeast.id });
      expect(part.partOf).toEqual({ id: atLeast.id });
      const retract = await asEditor(RETRACT, { id: exact.id, v: 1 });
      expect(retract.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'id' },
        message: expect.stringMatching(new RegExp(`the parts of figure ${storeId(atLeast.id)} would add up to at least 14, more than its low of 10`)) });
      const inside = await asEditor(ADD, { a, input: input({ number: 1, restatesId: atLeast.id, partOfId: atLeast.id }) });
      expect(violationsOf(inside)).toContainEqual({ field: 'input.partOfId', message: expect.stringMatching(/a figure is never part of its own set/) });
    });

    it('refuses to retract a figure that others restate or supersede, naming them', async () => {
      const a = await story();
      const first = await add(a);
      const again = await add(a, { restatesId: first.id });
      const older = await add(a, { number: 3 });
      const newer = await add(a, { number: 4, supersedesId: older.id });
      const restated = await asEditor(RETRACT, { id: first.id, v: 1 });
      expect(restated.errors![0].message).toMatch(new RegExp(`figures ${storeId(again.id)} restate this one: retract them or change their restatesId first`));
      const superseded = await asEditor(RETRACT, { id: older.id, v: 1 });
      expect(superseded.errors![0].message).toMatch(new RegExp(`figures ${storeId(newer.id)} supersede this one`));
      expect((await asEditor(RETRACT, { id: newer.id, v: 1 })).errors).toBeUndefined();
      expect((await asEditor(RETRACT, { id: older.id, v: 1 })).errors).toBeUndefined();
    });
  });

  describe('history', () => {
    it('records the new fields in revisions, and reads links asOf among the figures of then', async () => {
      const a = await story();
      const first = await add(a, { number: 5 });
      const again = await add(a, { number: 5, restatesId: first.id, who: 'villagers' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const then = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const other = await add(a, { number: 6, supersedesId: first.id });
      const moved = await asEditor(UPDATE, { id: again.id, v: 1, input: { restatesId: null, who: 'farmers', background: true } });
      expect(moved.errors).toBeUndefined();

      const revisions = await asEditor(`query($a: ID!) { article(id: $a) { casualtyFigures { id revisions { version changedFields previous { who background restates { id } } } } } }`, { a });
      expect(revisions.data.article.casualtyFigures.find((f: Figure) => f.id === again.id).revisions[1]).toEqual({
        version: 2, changedFields: expect.arrayContaining(['restatesId', 'who', 'background']),
        previous: { who: 'villagers', background: false, restates: { id: first.id } },
      });

      const read = `query($id: ID!, $at: DateTime) { article(id: $id, asOf: $at) { casualtyFigures { id who restates { id who }
        restatedBy { id } supersededBy { id } } } }`;
      expect((await api.gql(read, { id: a, at: then })).data.article.casualtyFigures).toEqual([
        { id: first.id, who: null, restates: null, restatedBy: [{ id: again.id }], supersededBy: null },
        { id: again.id, who: 'villagers', restates: { id: first.id, who: null }, restatedBy: [], supersededBy: null },
      ]);
      expect((await api.gql(read, { id: a })).data.article.casualtyFigures).toEqual([
        { id: first.id, who: null, restates: null, restatedBy: [], supersededBy: { id: other.id } },
        { id: again.id, who: 'farmers', restates: null, restatedBy: [], supersededBy: null },
        { id: other.id, who: null, restates: null, restatedBy: [], supersededBy: null },
      ]);
    });

    it('reads a revision written before the second edition with its fields empty and false', async () => {
      const a = await story();
      const figure = await add(a, { who: 'guards' });
      await asEditor(UPDATE, { id: figure.id, v: 1, input: { number: 6 } });
      await ctx().db.query(`UPDATE revisions SET previous = previous - 'restatesId' - 'supersedesId' - 'who' - 'background'
        WHERE entity = 'CASUALTY_FIGURE' AND entity_id = $1 AND version = 2`, [Number(storeId(figure.id))]);
      const revisions = await asEditor(`query($a: ID!) { article(id: $a) { casualtyFigures { revisions { previous { who background restates { id } } } } } }`, { a });
      expect(revisions.errors).toBeUndefined();
      expect(revisions.data.article.casualtyFigures[0].revisions[1].previous).toEqual({ who: null, background: false, restates: null });
    });
  });

  describe('the import', () => {
    const IMPORT = `mutation($articles: [ImportArticleInput!]!) { importArticles(articles: $articles) {
      records { outcome problems { field message } article { casualtyFigures { ${FIELDS} } } } } }`;
    const figure = (key: string, over: Record<string, unknown> = {}) => ({ key, ...input(over) });
    const record = (slug: string, figures: Record<string, unknown>[]) => ({
      headline: `Imported ${slug}`, slug, body: 'Five people were killed; the toll later rose to seven.', status: 'PUBLISHED', figures,
    });
    const importOne = async (slug: string, figures: Record<string, unknown>[]) =>
      (await asEditor(IMPORT, { articles: [record(slug, figures)] })).data.importArticles.records[0];

    it('links figures by key whatever their order, with who and background, and imports them again unchanged', async () => {
      const imported = await importOne('links-import', [
        figure('rose', { number: 7, supersedes: 'first' }),
        figure('again', { restates: 'first', who: ' villagers ' }),
        figure('first'),
        figure('last-year', { number: 70, background: true }),
      ]);
      expect(imported.outcome).toBe('CREATED');
      const [rose, again, first, lastYear] = imported.article.casualtyFigures;
      expect(rose).toMatchObject({ supersedes: { id: first.id } });
      expect(again).toMatchObject({ restates: { id: first.id }, who: 'villagers' });
      expect(first).toMatchObject({ restatedBy: [{ id: again.id }], supersededBy: { id: rose.id } });
      expect(lastYear).toMatchObject({ background: true });
      expect((await importOne('links-import', [figure('first'), figure('again', { restates: 'first', who: 'villagers' }),
        figure('rose', { number: 7, supersedes: 'first' }), figure('last-year', { number: 70, background: true })])).outcome).toBe('UNCHANGED');
    });

    it('reports unknown keys, loops, and the rules of links by figure', async () => {
      expect((await importOne('links-unknown', [figure('a', { restates: 'nope', supersedes: 'none' })])).problems).toEqual([
        { field: 'figures.0.restates', message: 'names no figure key "nope"' },
        { field: 'figures.0.supersedes', message: 'names no figure key "none"' },
      ]);
      expect((await importOne('links-loop', [figure('a', { restates: 'b' }), figure('b', { supersedes: 'a' })])).problems).toEqual([
        { field: 'figures', message: 'partOf, restates and supersedes links form a cycle (among keys "a", "b")' },
      ]);
      const outcome = await importOne('links-outcome', [figure('a'), figure('b', { outcome: 'INJURED', supersedes: 'a' })]);
      expect(outcome).toMatchObject({ outcome: 'REJECTED', article: null });
      expect(outcome.problems).toContainEqual({ field: 'figures.1.supersedesId', message: expect.stringMatching(/same outcome: figure \d+ is KILLED, this one INJURED/) });
      const parts = await importOne('links-parts', [figure('a'), figure('p', { number: 4, partOf: 'a' }), figure('b', { number: 2, restates: 'a' })]);
      expect(parts.problems).toContainEqual({ field: 'figures.2.low', message: expect.stringMatching(/more than the set's low of 2/) });
    });
  });

  describe('the record cache', () => {
    it('shows a new restatement or revision of a cached figure at once', async () => {
      const cached = await gateway(new CachedStore(ctx().store, new MemoryCache()));
      const a = await story(cached);
      const first = await add(a, {}, cached);
      const read = async () => (await cached.gql(`query($a: ID!) { article(id: $a) { casualtyFigures { restatedBy { id } supersededBy { id } } } }`,
        { a })).data.article.casualtyFigures[0];
      expect(await read()).toEqual({ restatedBy: [], supersededBy: null });
      expect(await read()).toEqual({ restatedBy: [], supersededBy: null }); // now cached
      const again = await add(a, { restatesId: first.id }, cached);
      expect(await read()).toEqual({ restatedBy: [{ id: again.id }], supersededBy: null });
      const newer = await add(a, { number: 8, supersedesId: first.id }, cached);
      expect(await read()).toEqual({ restatedBy: [{ id: again.id }], supersededBy: { id: newer.id } });
      await cached.gql(RETRACT, { id: newer.id, v: 1 }, editor);
      expect(await read()).toEqual({ restatedBy: [{ id: again.id }], supersededBy: null });
    });

    it('drops what a bulk insert of a linked figure changes', async () => {
      const store = new CachedStore(ctx().store, new MemoryCache());
      const cached = await gateway(store);
      const a = await story(cached);
      const first = await add(a, {}, cached);
      const read = async () => (await cached.gql(`query($a: ID!) { article(id: $a) { casualtyFigures { supersededBy { id } } } }`, { a })).data.article.casualtyFigures[0];
      expect(await read()).toEqual({ supersededBy: null });
      const [newer] = await store.insertFigures([{
        articleId: storeId(a), outcome: 'KILLED', group: 'CIVILIANS', qualifier: 'EXACT', low: 9, best: 9, high: 9, claimedBy: null,
        claimantType: 'OFFICIAL', verification: 'REPORTED', quote: 'Nine.', locationId: null, periodStart: null, periodEnd: null,
        partOfId: null, supersedesId: storeId(first.id),
      }]);
      expect(await read()).toEqual({ supersededBy: { id: toGlobalId('CasualtyFigure', newer) } });
    });
  });
});
