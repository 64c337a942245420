import { createApiKey } from '../src/auth/api-keys';
import { CachedStore } from '../src/cache/cached-store';
import { MemoryCache } from '../src/cache/memory';
import { invalidatingResponses } from '../src/cache/responses';
import { normalizePlaceName } from '../src/domain/place-names';
import { findPlaces, loadGazetteer } from '../src/ingest/places';
import { loadCodedArticle } from '../src/seed/worked-example';
import type { ContentStore } from '../src/store/store';
import { type GraphQLResponse, type TestGateway, type TestGatewayOptions, startTestGateway } from './support/gateway';
import { describeEachEngine } from './support/stores';
import { toGlobalId } from '../src/global-ids';

/**
 * The gazetteer through the HTTP API (schema/gazetteer.graphql): places' aliases listed, added and
 * removed, places ingestion proposed accepted, editors only; alias lists batched, and never stale
 * behind the record cache and the response cache.
 */
type Alias = { alias: string; kind: string };

const ALIASES = `query($id: ID!) { location(id: $id) { id aliases { alias kind } } }`;
const ADD = `mutation($id: ID!, $input: LocationAliasInput!) {
  addLocationAlias(locationId: $id, input: $input) { id name aliases { alias kind } } }`;
const REMOVE = `mutation($id: ID!, $alias: String!) { removeLocationAlias(locationId: $id, alias: $alias) { id name aliases { alias kind } } }`;
const ACCEPT = `mutation($input: PlaceProposalInput!) { acceptPlaceProposal(input: $input) { id name kind parent { id } } }`;
const PLACES_WITH_ALIASES = `query($first: Int!) { locations(first: $first) { edges { node { id aliases { alias } } } } }`;

/** Aliases in the order the graph lists them: compared in lower case, without accents. */
const byAlias = (aliases: Alias[]) => [...aliases].sort((a, b) => normalizePlaceName(a.alias).localeCompare(normalizePlaceName(b.alias)));

describeEachEngine('the gazetteer through the API', (ctx) => {
  let api: TestGateway;
  let editor: Record<string, string>;
  const started: TestGateway[] = [];
  const gateway = async (store: ContentStore = ctx().store, options: TestGatewayOptions = {}) => {
    const one = await startTestGateway(store, options);
    started.push(one);
    return one;
  };

  beforeAll(async () => {
    await loadCodedArticle(ctx().store);
    editor = { authorization: `Bearer ${(await createApiKey(ctx().store, 'Gazetteer desk', 'editor')).key}` };
    api = await gateway();
  });
  afterAll(() => Promise.all(started.map((one) => one.stop())));

  const asEditor = (query: string, variables?: Record<string, unknown>, on = api) => on.gql(query, variables, editor);

  /** The id of the one stored place named `name` (exactly). */
  async function idOf(name: string): Promise<string> {
    const [places] = await ctx().store.locationsByNames([name]);
    const exact = places.filter((place) => place.name === name);
    expect(exact).toHaveLength(1);
    return exact[0].id;
  }

  /** The place's aliases as the public reads them. */
  async function publicAliases(id: string, on = api): Promise<Alias[]> {
    const answer = await on.gql(ALIASES, { id });
    expect(answer.errors).toBeUndefined();
    return answer.data.location.aliases;
  }

  const codeOf = (answer: GraphQLResponse) => answer.errors?.[0]?.extensions?.code;

  describe('aliases', () => {
    it('lists a place\'s aliases to the public, in alphabetical order without regard to case or accents', async () => {
      const district = await idOf('Noshki District');
      const stored = (await ctx().store.aliasesOf([district]))[0];
      expect(stored.length).toBeGreaterThan(1);
      expect(await publicAliases(district)).toEqual(byAlias(stored.map(({ alias, kind }) => ({ alias, kind }))));
    });

    it('adds an alias, returning the place with its new list, and takes it away again in another spelling', async () => {
      const noshki = await idOf('Noshki');
      const before = await publicAliases(noshki);
      const added = await asEditor(ADD, { id: noshki, input: { alias: 'Naushkī', kind: 'FORMER' } });
      expect(added.errors).toBeUndefined();
      const withIt = byAlias([...before, { alias: 'Naushkī', kind: 'FORMER' }]);
      expect(added.data.addLocationAlias).toEqual({ id: toGlobalId('Location', noshki), name: 'Noshki', aliases: withIt });
      expect(await publicAliases(noshki)).toEqual(withIt);

      const removed = await asEditor(REMOVE, { id: noshki, alias: 'NAUSHKI' });
      expect(removed.errors).toBeUndefined();
      expect(removed.data.removeLocationAlias).toEqual({ id: toGlobalId('Location', noshki), name: 'Noshki', aliases: before });
      expect(await publicAliases(noshki)).toEqual(before);
    });

    it('answers each write with the list it left when one operation adds and then removes', async () => {
      const gwadar = await idOf('Gwadar');
      const before = await publicAliases(gwadar);
      const answer = await asEditor(`mutation($id: ID!) {
        add: addLocationAlias(locationId: $id, input: { alias: "Gwadur", kind: SPELLING }) { aliases { alias } }
        remove: removeLocationAlias(locationId: $id, alias: "gwadur") { aliases { alias } }
      }`, { id: gwadar });
      expect(answer.errors).toBeUndefined();
      expect(answer.data.add.aliases.map((a: Alias) => a.alias)).toContain('Gwadur');
      expect(answer.data.remove.aliases).toEqual(before.map(({ alias }) => ({ alias })));
    });

    it('refuses an alias the place has already in another case or with accents, naming input.alias', async () => {
      const noshki = await idOf('Noshki');
      const before = await publicAliases(noshki);
      const [existing] = before;
      expect(existing).toBeDefined();
      const answer = await asEditor(ADD, { id: noshki, input: { alias: existing.alias.toUpperCase().replace('U', 'Ú'), kind: 'OTHER' } });
      expect(answer.data).toBeNull();
      expect(answer.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.alias' });
      expect(await publicAliases(noshki)).toEqual(before);
    });

    it('refuses to remove an alias the place does not have, and to name a place that does not exist, as NOT_FOUND', async () => {
      const noshki = await idOf('Noshki');
      const missing = await asEditor(REMOVE, { id: noshki, alias: 'Nowhere-on-sea' });
      expect(missing.data).toBeNull();
      expect(missing.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: expect.stringContaining('Nowhere-on-sea') });

      const unknownPlace = await asEditor(ADD, { id: '999999', input: { alias: 'Anywhere', kind: 'OTHER' } });
      expect(unknownPlace.data).toBeNull();
      expect(unknownPlace.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', id: '999999' });
    });

    it('refuses an alias of an unknown kind before anything runs', async () => {
      const noshki = await idOf('Noshki');
      const answer = await asEditor(ADD, { id: noshki, input: { alias: 'Noshkee', kind: 'NICKNAME' } });
      expect(codeOf(answer)).toBe('BAD_USER_INPUT');
      expect(await publicAliases(noshki)).not.toContainEqual(expect.objectContaining({ alias: 'Noshkee' }));
    });
  });

  describe('proposed places', () => {
    const text = 'Two people were wounded in the village of Kili Kamal in Balochistan, officials said. '
      + 'Gunmen also stormed a police station in Kech district.';

    /** What ingestion proposes for `text` against the gazetteer as stored now. */
    const proposals = async () => findPlaces(text, await loadGazetteer(ctx().store)).proposals
      .map(({ name, parentId, kind }) => ({ name, parentId, kind }));

    it('creates the proposed place under its parent, once; a second accept is refused naming input.name', async () => {
      const kech = (await proposals()).find((proposal) => proposal.kind === 'ADMIN2')!;
      expect(kech).toMatchObject({ name: 'Kech District', parentId: await idOf('Balochistan') });
      const placesBefore = await ctx().store.countLocations({});

      const accepted = await asEditor(ACCEPT, { input: kech });
      expect(accepted.errors).toBeUndefined();
      const created = accepted.data.acceptPlaceProposal;
      expect(created).toEqual({ id: expect.any(String), name: kech.name, kind: 'ADMIN2', parent: { id: toGlobalId('Location', kech.parentId) } });
      const children = await api.gql(`query($id: ID!) { location(id: $id) { children { id } } }`, { id: kech.parentId });
      expect(children.data.location.children).toContainEqual({ id: created.id });
      expect((await proposals()).map((proposal) => proposal.name)).not.toContain(kech.name);

      const again = await asEditor(ACCEPT, { input: kech });
      expect(again.data).toBeNull();
      expect(again.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.name' });
      expect(await ctx().store.countLocations({})).toBe(placesBefore + 1);
    });

    it('refuses a proposal whose parent does not exist or is not above it, naming input.parentId', async () => {
      const village = (await proposals()).find((proposal) => proposal.kind === 'LOCALITY')!;
      expect(village).toBeDefined();
      const placesBefore = await ctx().store.countLocations({});
      for (const parentId of ['999999', await idOf('Noshki')]) {
        const answer = await asEditor(ACCEPT, { input: { ...village, parentId } });
        expect(answer.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.parentId' });
      }
      expect(await ctx().store.countLocations({})).toBe(placesBefore);
    });
  });

  it('refuses every gazetteer write to the public as UNAUTHENTICATED, and writes nothing', async () => {
    const noshki = await idOf('Noshki');
    const [existing] = await publicAliases(noshki);
    const placesBefore = await ctx().store.countLocations({});
    const aliasesBefore = await publicAliases(noshki);
    const writes: [string, Record<string, unknown>][] = [
      [ADD, { id: noshki, input: { alias: 'Public name', kind: 'OTHER' } }],
      [REMOVE, { id: noshki, alias: existing.alias }],
      [ACCEPT, { input: { name: 'Public village', parentId: await idOf('Balochistan'), kind: 'LOCALITY' } }],
    ];
    for (const [query, variables] of writes) {
      const answer = await api.gql(query, variables);
      expect({ query, code: codeOf(answer) }).toEqual({ query, code: 'UNAUTHENTICATED' });
    }
    expect(await publicAliases(noshki)).toEqual(aliasesBefore);
    expect(await ctx().store.countLocations({})).toBe(placesBefore);
  });

  describe('batching', () => {
    /** Runs the page query; resolves to the statements that reached the database. */
    async function statements(first: number, on = api): Promise<string[]> {
      ctx().db.reset();
      const answer = await on.gql(PLACES_WITH_ALIASES, { first });
      expect(answer.errors).toBeUndefined();
      expect(answer.data.locations.edges).toHaveLength(first);
      return [...ctx().db.statements];
    }
    const aliasReads = (sqls: string[]) => sqls.filter((sql) => sql.includes('FROM location_aliases'));

    it('reads the aliases of a whole page of places in one store round-trip', async () => {
      const all = await ctx().store.countLocations({});
      expect(all).toBeGreaterThan(5);
      const few = await statements(2);
      const many = await statements(all);
      expect(aliasReads(many)).toHaveLength(1);
      expect(many).toHaveLength(few.length);
    });

    it('reads them from the record cache once cached, and again after a write', async () => {
      const cached = await gateway(new CachedStore(ctx().store, new MemoryCache()));
      const all = await ctx().store.countLocations({});
      expect(aliasReads(await statements(all, cached))).toHaveLength(1);
      expect(aliasReads(await statements(all, cached))).toHaveLength(0);
      const noshki = await idOf('Noshki');
      expect((await asEditor(ADD, { id: noshki, input: { alias: 'Noshky', kind: 'SPELLING' } }, cached)).errors).toBeUndefined();
      expect(aliasReads(await statements(all, cached))).toHaveLength(1);
      expect((await asEditor(REMOVE, { id: noshki, alias: 'Noshky' }, cached)).errors).toBeUndefined();
    });
  });

  describe('behind the record cache and the response cache', () => {
    /** A gateway wired as `npm start` wires one: every invalidation of the data cache drops the stored answers. */
    async function cachedGateway(): Promise<TestGateway> {
      let one: TestGateway | undefined;
      const store = new CachedStore(ctx().store, invalidatingResponses(new MemoryCache(), () => one?.gateway.responseCache?.clear()));
      one = await gateway(store, { http: { responseCache: { ttlMs: 60_000, maxBytes: 2 ** 20 } } });
      return one;
    }

    it('shows the public an added alias at once, and a removed one no more', async () => {
      const cached = await cachedGateway();
      const quetta = await idOf('Quetta District');
      const before = await publicAliases(quetta, cached);
      ctx().db.reset();
      expect(await publicAliases(quetta, cached)).toEqual(before);
      expect(ctx().db.queries).toBe(0); // answered from the caches

      const added = await asEditor(ADD, { id: quetta, input: { alias: 'Kwatah', kind: 'SPELLING' } }, cached);
      expect(added.errors).toBeUndefined();
      expect(await publicAliases(quetta, cached)).toEqual(byAlias([...before, { alias: 'Kwatah', kind: 'SPELLING' }]));

      const removed = await asEditor(REMOVE, { id: quetta, alias: 'kwatah' }, cached);
      expect(removed.errors).toBeUndefined();
      expect(await publicAliases(quetta, cached)).toEqual(before);
    });
  });
});
