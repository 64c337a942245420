import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { createApiKey } from '../src/auth/api-keys';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';

/*
 * Past states as snapshots (`ArticleSnapshot`, `CasualtyFigureSnapshot`): their own type and id, so a
 * client's normalised cache never takes the past for the present. Over real HTTP, on PGlite.
 */

const t = gatewaysOverWorkedExample();
let api: TestGateway;
let editor: Record<string, string>;
let balochistanId: string;
const asEditor = (query: string, variables?: Record<string, unknown>) => api.gql(query, variables, editor);

/** Lets the clock move on, so that the moments before and after a write differ. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeAll(async () => {
  editor = { authorization: `Bearer ${(await createApiKey(t.store, 'Night desk', 'editor')).key}` };
  balochistanId = (await t.store.locationsByIsoCodes(['PK-BA']))[0]!.id;
  api = await t.gateway();
});

interface Story { articleId: string; wholeId: string; partId: string; moments: { first: string; edited: string; recoded: string } }

/**
 * A published article (standfirst "First standfirst") with one figure, then: its standfirst edited
 * (version 2), its figure recoded (claimedBy), and a part added. `moments` lies between the writes.
 */
async function story(slug: string): Promise<Story> {
  const created = await asEditor(`mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`, {
    input: { headline: `Story ${slug}`, slug, standfirst: 'First standfirst', body: 'At least 10 people were killed, 4 of them civilians.',
      status: 'PUBLISHED', locationIds: [balochistanId] },
  });
  expect(created.errors).toBeUndefined();
  const articleId = created.data.createArticle.id;
  const figure = (over: Record<string, unknown>) => asEditor(
    `mutation($a: ID!, $input: CasualtyFigureInput!) { addCasualtyFigure(articleId: $a, input: $input) { id } }`,
    { a: articleId, input: { outcome: 'KILLED', claimantType: 'OFFICIAL', verification: 'REPORTED', locationId: balochistanId, ...over } });
  const whole = await figure({ group: 'UNSPECIFIED', qualifier: 'AT_LEAST', number: 10, quote: 'At least 10 people were killed.' });
  const wholeId = whole.data.addCasualtyFigure.id;
  await tick();
  const first = new Date().toISOString();
  await tick();
  await asEditor(`mutation($id: ID!) { updateArticle(id: $id, version: 1, input: { standfirst: "Second standfirst" }) { version } }`, { id: articleId });
  await tick();
  const edited = new Date().toISOString();
  await tick();
  await asEditor(`mutation($id: ID!) { updateCasualtyFigure(id: $id, version: 1, input: { claimedBy: "the police" }) { version } }`, { id: wholeId });
  const part = await figure({ group: 'CIVILIANS', qualifier: 'EXACT', number: 4, quote: '4 of them civilians.', partOfId: wholeId });
  expect(part.errors).toBeUndefined();
  await tick();
  const recoded = new Date().toISOString();
  return { articleId, wholeId, partId: part.data.addCasualtyFigure.id, moments: { first, edited, recoded } };
}

const SNAPSHOT = `query($id: ID, $slug: String, $at: DateTime!) { articleSnapshot(id: $id, slug: $slug, asOf: $at) {
  __typename id articleId version standfirst article { id standfirst }
  casualtyFigures { __typename id figureId version claimedBy partOf { figureId } parts { figureId } }
} }`;

describe('articleSnapshot(asOf:)', () => {
  let s: Story;
  beforeAll(async () => { s = await story('snapshot-story'); });

  it('answers the article and its figures as they stood then, under ids of their own', async () => {
    const then = (await api.gql(SNAPSHOT, { id: s.articleId, at: s.moments.first })).data.articleSnapshot;
    expect(then).toMatchObject({
      __typename: 'ArticleSnapshot', articleId: s.articleId, version: 1, standfirst: 'First standfirst',
      article: { id: s.articleId, standfirst: 'Second standfirst' },
      casualtyFigures: [{ __typename: 'CasualtyFigureSnapshot', figureId: s.wholeId, version: 1, claimedBy: null, partOf: null, parts: [] }],
    });
    expect(then.id).toMatch(new RegExp(`^article:${s.articleId}@v1\\.[0-9a-f]{12}$`));
    expect(then.casualtyFigures[0].id).toMatch(new RegExp(`^figure:${s.wholeId}@v1\\.[0-9a-f]{12}$`));
    expect([then.id, then.casualtyFigures[0].id]).not.toContain(s.articleId);
    expect(then.casualtyFigures[0].id).not.toBe(s.wholeId);
  });

  it('names one state by one id, whichever way it is read, and every other state by another', async () => {
    const read = async (variables: Record<string, unknown>) => (await api.gql(SNAPSHOT, variables)).data.articleSnapshot;
    const first = await read({ id: s.articleId, at: s.moments.first });
    expect((await read({ slug: 'snapshot-story', at: s.moments.first })).id).toBe(first.id);
    const edited = await read({ id: s.articleId, at: s.moments.edited });
    const recoded = await read({ id: s.articleId, at: s.moments.recoded });
    // The figures changed while the article stayed at version 2: a state of its own all the same.
    expect([edited.version, recoded.version]).toEqual([2, 2]);
    expect(new Set([first.id, edited.id, recoded.id]).size).toBe(3);
    expect(recoded.casualtyFigures.map((figure: any) => [figure.figureId, figure.version, figure.partOf?.figureId ?? null, figure.parts]))
      .toEqual([[s.wholeId, 2, null, [{ figureId: s.partId }]], [s.partId, 1, s.wholeId, []]]);
  });

  it('answers null before the article existed, and refuses both or neither of id and slug', async () => {
    expect((await api.gql(SNAPSHOT, { id: s.articleId, at: '2000-01-01T00:00:00Z' })).data.articleSnapshot).toBeNull();
    const both = await api.gql(SNAPSHOT, { id: s.articleId, slug: 'snapshot-story', at: s.moments.first });
    expect(both.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('is cached by shared caches as the live article is', async () => {
    const live = await api.gql(`query($id: ID!) { article(id: $id) { id standfirst } }`, { id: s.articleId });
    const then = await api.gql(`query($id: ID!, $at: DateTime!) { articleSnapshot(id: $id, asOf: $at) { id standfirst } }`,
      { id: s.articleId, at: s.moments.first });
    expect(live.headers.get('cache-control')).toMatch(/public/);
    expect(then.headers.get('cache-control')).toBe(live.headers.get('cache-control'));
  });
});

describe('revisions', () => {
  let s: Story;
  beforeAll(async () => { s = await story('revised-story'); });

  it('answer the state each change replaced as a snapshot, with the figures of just before the change', async () => {
    const response = await asEditor(`query($id: ID!) { article(id: $id) {
      revisions { version previousSnapshot { __typename id version standfirst casualtyFigures { figureId version claimedBy } } }
      casualtyFigures { id revisions { version previousSnapshot { __typename id figureId version claimedBy parts { figureId } } } }
    } }`, { id: s.articleId });
    expect(response.errors).toBeUndefined();
    const { revisions, casualtyFigures } = response.data.article;
    expect(revisions.map((revision: any) => revision.previousSnapshot && { ...revision.previousSnapshot, id: undefined })).toEqual([
      null,
      { __typename: 'ArticleSnapshot', id: undefined, version: 1, standfirst: 'First standfirst',
        casualtyFigures: [{ figureId: s.wholeId, version: 1, claimedBy: null }] },
    ]);
    // The same state as `articleSnapshot` at a moment it stood: the same id.
    const then = await api.gql(SNAPSHOT, { id: s.articleId, at: s.moments.first });
    expect(revisions[1].previousSnapshot.id).toBe(then.data.articleSnapshot.id);

    const whole = casualtyFigures.find((figure: any) => figure.id === s.wholeId);
    expect(whole.revisions[1].previousSnapshot).toEqual({
      __typename: 'CasualtyFigureSnapshot', id: expect.stringMatching(new RegExp(`^figure:${s.wholeId}@v1\\.`)),
      figureId: s.wholeId, version: 1, claimedBy: null, parts: [],
    });
  });

  it('keep the deprecated `previous` answering as before, and mark it deprecated', async () => {
    const response = await asEditor(`query($id: ID!) { article(id: $id) { revisions { previous { id standfirst } } } }`, { id: s.articleId });
    expect(response.data.article.revisions[1].previous).toEqual({ id: s.articleId, standfirst: 'First standfirst' });
    const introspected = await api.gql(`{
      revision: __type(name: "ArticleRevision") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
      query: __type(name: "Query") { fields { name args(includeDeprecated: true) { name isDeprecated deprecationReason } } }
    }`);
    expect(introspected.data.revision.fields.find((field: any) => field.name === 'previous'))
      .toEqual({ name: 'previous', isDeprecated: true, deprecationReason: expect.stringMatching(/^Use `previousSnapshot`/) });
    const article = introspected.data.query.fields.find((field: any) => field.name === 'article');
    expect(article.args.find((arg: any) => arg.name === 'asOf'))
      .toEqual({ name: 'asOf', isDeprecated: true, deprecationReason: expect.stringMatching(/^Use `articleSnapshot\(asOf:\)`/) });
  });
});

describe('Apollo Client 4\'s normalised cache', () => {
  let s: Story;
  beforeAll(async () => { s = await story('cached-story'); });

  const LIVE = gql`query Live($id: ID!) { article(id: $id) { id standfirst } }`;
  const client = () => new ApolloClient({ link: new HttpLink({ uri: api.url, headers: editor }), cache: new InMemoryCache() });

  it('keeps the live article after reading its revisions as snapshots', async () => {
    const apollo = client();
    await apollo.query({ query: LIVE, variables: { id: s.articleId } });
    const history = await apollo.query<any>({
      query: gql`query History($id: ID!, $at: DateTime!) {
        article(id: $id) { id revisions { version previousSnapshot { id standfirst } } }
        articleSnapshot(id: $id, asOf: $at) { id standfirst }
      }`,
      variables: { id: s.articleId, at: s.moments.first },
    });
    expect(history.data!.articleSnapshot).toMatchObject({ standfirst: 'First standfirst' });
    expect(history.data!.article.revisions[1].previousSnapshot).toMatchObject({ standfirst: 'First standfirst' });
    expect(apollo.readQuery<any>({ query: LIVE, variables: { id: s.articleId } })!.article.standfirst).toBe('Second standfirst');
  });

  it('shows why: the deprecated `previous` overwrites the live article in the same cache', async () => {
    const apollo = client();
    await apollo.query({ query: LIVE, variables: { id: s.articleId } });
    await apollo.query({
      query: gql`query OldHistory($id: ID!) { article(id: $id) { id revisions { version previous { id standfirst } } } }`,
      variables: { id: s.articleId },
    });
    expect(apollo.readQuery<any>({ query: LIVE, variables: { id: s.articleId } })!.article.standfirst).toBe('First standfirst');
  });
});
