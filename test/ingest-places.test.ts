import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinParagraphs, sentenceContaining } from '../src/domain/article-text';
import { ALIAS_KINDS } from '../src/domain/place-names';
import { acceptPlaceProposal, addLocationAlias, removeLocationAlias } from '../src/editorial/editorial';
import { type FoundPlaces, type Gazetteer, findPlaces, loadGazetteer } from '../src/ingest/places';
import { migrate } from '../src/store/migrate';
import { SqlStore } from '../src/store/sql-store';
import type { ContentStore } from '../src/store/store';
import { loadCodedArticle, readCodedArticle } from '../src/seed/worked-example';
import { ENGINES, describeEachEngine, openTestDb } from './support/stores';
import { postgresAvailable } from './support/services';

/**
 * Places in an article's text (src/ingest/places.ts) against the gazetteer in the store: the worked
 * example's coded places, aliases, longest matches, country context, proposals and their acceptance.
 */
const EDITOR = 'Desk (test)';

describeEachEngine('places in an article\'s text', (ctx) => {
  const { coding, page } = readCodedArticle();
  const body = joinParagraphs(page.paragraphs);
  const store = (): ContentStore => ctx().store;
  const scoped = () => store().scoped({ unpublished: true });

  /** The id of the one stored place named `name` (exactly). */
  async function idOf(name: string): Promise<string> {
    const [places] = await scoped().locationsByNames([name]);
    const exact = places.filter((place) => place.name === name);
    expect(exact).toHaveLength(1);
    return exact[0].id;
  }

  const nameOf = (gazetteer: Gazetteer, id: string | null) => (id === null ? null : gazetteer.place(id)!.name);
  const mentioned = (found: FoundPlaces, gazetteer: Gazetteer) => found.mentions.map((m) => [m.name, nameOf(gazetteer, m.placeId)]);

  async function places(text: string): Promise<{ found: FoundPlaces; gazetteer: Gazetteer }> {
    const gazetteer = await loadGazetteer(scoped());
    return { found: findPlaces(text, gazetteer), gazetteer };
  }

  beforeAll(async () => {
    await loadCodedArticle(store());
  });

  describe('the worked example', () => {
    it('reports on exactly the places its coding lists, and not on the countries it mentions', async () => {
      const { found, gazetteer } = await places(body);
      expect(found.reportsOn.map((id) => nameOf(gazetteer, id))).toEqual(coding.article.reportsOn);
      expect(nameOf(gazetteer, found.countryId)).toBe('Pakistan');
      expect(nameOf(gazetteer, found.mainPlaceId)).toBe('Balochistan');
      // Mentioned, but not reported on: a possessive reads as the name.
      const names = found.mentions.map((m) => nameOf(gazetteer, m.placeId));
      expect(names).toEqual(expect.arrayContaining(['Pakistan', 'India', 'Afghanistan']));
      const possessive = found.mentions.find((m) => body.slice(m.start, m.end + 2) === 'Pakistan’s');
      expect(possessive).toMatchObject({ name: 'Pakistan', matched: 'name' });
      for (const m of found.mentions) expect(body.slice(m.start, m.end)).toBe(m.name);
      expect(found.proposals).toEqual([]);
    });

    it('ties each coded figure\'s sentence to the figure\'s place', async () => {
      const { found, gazetteer } = await places(body);
      const sentences = found.sentences.map((s) => body.slice(s.start, s.end));
      for (const figure of coding.figures) {
        const index = sentences.indexOf(sentenceContaining(body, figure.wording)!);
        expect(index).toBeGreaterThanOrEqual(0);
        expect([figure.key, nameOf(gazetteer, found.sentencePlaces[index])]).toEqual([figure.key, figure.place]);
      }
    });

    it('reads "Mastung district" as the district and a bare "Quetta" as the town, not the district it is short for', async () => {
      const { found, gazetteer } = await places(body);
      expect(mentioned(found, gazetteer)).toEqual(expect.arrayContaining([
        ['Mastung district', 'Mastung District'], ['Quetta', 'Quetta'], ['Gwadar', 'Gwadar'], ['Noshki', 'Noshki'],
      ]));
      expect(mentioned(found, gazetteer)).not.toContainEqual(['Quetta', 'Quetta District']);
    });
  });

  describe('aliases', () => {
    it('matches Noshki under another spelling, whatever its case or accents', async () => {
      const { found, gazetteer } = await places('Mobile internet was suspended in Nushki on Sunday. Shops in NŪSHKI stayed shut.');
      expect(found.mentions.map((m) => [m.name, nameOf(gazetteer, m.placeId), m.matched])).toEqual([
        ['Nushki', 'Noshki', 'alias'], ['NŪSHKI', 'Noshki', 'alias'],
      ]);
      expect(found.reportsOn.map((id) => nameOf(gazetteer, id))).toEqual(['Noshki']);
    });

    it('matches a name an editor adds, and stops when the editor removes it', async () => {
      const noshki = await idOf('Noshki');
      const text = 'Clashes continued in Naushki into Sunday morning.';
      expect((await places(text)).found.mentions).toEqual([]);
      await addLocationAlias(store(), EDITOR, noshki, { alias: 'Naushki', kind: 'SPELLING' });
      expect((await store().aliasesOf([noshki]))[0]).toContainEqual({ locationId: noshki, alias: 'Naushki', kind: 'SPELLING' });
      expect((await places(text)).found.mentions).toMatchObject([{ placeId: noshki, name: 'Naushki', matched: 'alias' }]);
      await removeLocationAlias(store(), EDITOR, noshki, 'NAUSHKI');
      expect((await places(text)).found.mentions).toEqual([]);
    });

    it('refuses an alias the place already has in another case or with accents, and an unknown kind', async () => {
      const noshki = await idOf('Noshki');
      await expect(addLocationAlias(store(), EDITOR, noshki, { alias: 'NUSHKÍ', kind: 'SPELLING' }))
        .rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'input.alias' } });
      await expect(addLocationAlias(store(), EDITOR, noshki, { alias: 'Noshkee', kind: 'NICKNAME' }))
        .rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'input.kind' } });
      await expect(removeLocationAlias(store(), EDITOR, noshki, 'Noshkee'))
        .rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: expect.stringContaining(`place alias with id ${noshki}/Noshkee`) });
    });

    it('lists each place\'s aliases in key order, none for an unknown place', async () => {
      const [noshki, district] = [await idOf('Noshki'), await idOf('Noshki District')];
      expect(await store().aliasesOf([district, '999999', noshki])).toEqual([
        [{ locationId: district, alias: 'Noshki', kind: 'SHORT' }, { locationId: district, alias: 'Nushki District', kind: 'SPELLING' }],
        [],
        [{ locationId: noshki, alias: 'Nushki', kind: 'SPELLING' }],
      ]);
    });
  });

  describe('matching', () => {
    it('takes the longest name: "Quetta District" is the district, not the town and a word', async () => {
      const { found, gazetteer } = await places('Curfew was imposed across Quetta District after the attack.');
      expect(mentioned(found, gazetteer)).toEqual([['Quetta District', 'Quetta District']]);
      const lower = await places('Curfew was imposed across Quetta district after the attack.');
      expect(mentioned(lower.found, lower.gazetteer)).toEqual([['Quetta district', 'Quetta District']]);
    });

    it('reads a name a district and its town share as the town, unless the text says district', async () => {
      const balochistan = await idOf('Balochistan');
      const [district] = await store().upsertLocations([
        { parentId: balochistan, name: 'Kalat', kind: 'ADMIN2', isoCode: null, latitude: null, longitude: null }]);
      const [town] = await store().upsertLocations([
        { parentId: district, name: 'Kalat', kind: 'LOCALITY', isoCode: null, latitude: null, longitude: null }]);
      const { found } = await places('Shops shut in Kalat. Roads across Kalat district were blocked. In the city of Kalat, and in Kalat city, banks closed.');
      expect(found.mentions.map((m) => [m.name, m.placeId])).toEqual([
        ['Kalat', town], ['Kalat district', district], ['Kalat', town], ['Kalat city', town],
      ]);
    });

    it('takes lower-case words for no place, and "the city" back to the city named before', async () => {
      const text = 'Gunmen attacked a bank in Quetta. Police said the city was calm. Traders said the price of gwadar fish rose.';
      const { found, gazetteer } = await places(text);
      expect(mentioned(found, gazetteer)).toEqual([['Quetta', 'Quetta']]);
      expect(found.sentencePlaces.map((id) => nameOf(gazetteer, id))).toEqual(['Quetta', 'Quetta', 'Quetta']);
    });

    it('resolves a name two countries share by the article\'s country and by the places around it', async () => {
      const [pakistan, india] = [await idOf('Pakistan'), await idOf('India')];
      const [sindh, telangana] = await store().upsertLocations([
        { parentId: pakistan, name: 'Sindh', kind: 'ADMIN1', isoCode: 'PK-SD', latitude: null, longitude: null },
        { parentId: india, name: 'Telangana', kind: 'ADMIN1', isoCode: 'IN-TG', latitude: null, longitude: null },
      ]);
      const [inSindh, inTelangana] = await store().upsertLocations([
        { parentId: sindh, name: 'Hyderabad', kind: 'LOCALITY', isoCode: null, latitude: null, longitude: null },
        { parentId: telangana, name: 'Hyderabad', kind: 'LOCALITY', isoCode: null, latitude: null, longitude: null },
      ]);
      const place = async (text: string) => (await places(text)).found.mentions.filter((m) => m.name === 'Hyderabad').map((m) => m.placeId);

      expect(await place('Pakistan’s interior ministry said four people died in Hyderabad.')).toEqual([inSindh]);
      expect(await place('India’s interior ministry said four people died in Hyderabad.')).toEqual([inTelangana]);
      // Places below the country outweigh a country named in passing.
      expect(await place('Flooding hit Hyderabad and other towns of Telangana, a charge Pakistan denied.')).toEqual([inTelangana]);
      expect(await place('Protesters blocked roads in Hyderabad, Sindh, on Sunday; India was not mentioned.')).toEqual([inSindh]);
      const { found } = await places('India’s interior ministry said four people died in Hyderabad.');
      expect(found.reportsOn).toEqual([inTelangana]);
    });
  });

  describe('proposals', () => {
    const text = 'Militants attacked a checkpost in Balochistan overnight. Four people were killed in the village of '
      + 'Kili Kamal in Balochistan, officials said. Gunmen also burned a school near Tump town and stormed a police '
      + 'station in Kech district.';

    it('proposes unknown places below the known province, and creates none', async () => {
      const before = await store().countLocations({});
      const balochistan = await idOf('Balochistan');
      const { found } = await places(text);
      expect(found.proposals.map(({ name, parentId, kind }) => ({ name, parentId, kind }))).toEqual([
        { name: 'Kili Kamal', parentId: balochistan, kind: 'LOCALITY' },
        { name: 'Tump', parentId: balochistan, kind: 'LOCALITY' },
        { name: 'Kech District', parentId: balochistan, kind: 'ADMIN2' },
      ]);
      for (const p of found.proposals) expect(text.slice(p.start, p.end)).toBe(p.name.replace(/ District$/, ''));
      expect(await store().countLocations({})).toBe(before);
    });

    it('proposes nothing where no province is known', async () => {
      const { found } = await places('India’s officials said two people died in the village of Ramgarh.');
      expect(found.proposals).toEqual([]);
    });

    it('matches a proposal once an editor accepts it', async () => {
      const { found } = await places(text);
      const kech = found.proposals.find((p) => p.name === 'Kech District')!;
      const created = await acceptPlaceProposal(store(), EDITOR, kech);
      expect(created).toMatchObject({ name: 'Kech District', kind: 'ADMIN2', parentId: kech.parentId });
      const again = await places(text);
      expect(again.found.mentions.map((m) => [m.name, m.placeId])).toContainEqual(['Kech district', created.id]);
      expect(again.found.proposals.map((p) => p.name)).toEqual(['Kili Kamal', 'Tump']);
    });
  });
});

describe('migration 0010 (place aliases)', () => {
  it('lists the alias kinds of src/domain/place-names.ts in its CHECK', () => {
    const sql = readFileSync(join(__dirname, '../src/store/migrations/0010_location_aliases.sql'), 'utf8');
    const check = /kind IN \(([^)]*)\)/.exec(sql)![1];
    expect(check.split(',').map((v) => v.trim().replace(/'/g, ''))).toEqual([...ALIAS_KINDS]);
  });

  for (const engine of ENGINES) {
    const run = engine === 'postgres' && !postgresAvailable() ? it.skip : it;
    run(`keeps existing places and lets them take aliases [${engine}]`, async () => {
      const testDb = await openTestDb(engine);
      try {
        await migrate(testDb.db, 8);
        const store = new SqlStore(testDb.db);
        const [pakistan] = await store.upsertLocations([{ parentId: null, name: 'Pakistan', kind: 'COUNTRY', isoCode: 'PK', latitude: null, longitude: null }]);
        const [noshki] = await store.upsertLocations([{ parentId: pakistan, name: 'Noshki', kind: 'LOCALITY', isoCode: null, latitude: null, longitude: null }]);
        expect(await migrate(testDb.db)).toContain(10);
        expect((await store.gazetteer()).map(({ id, name, parentId, aliases }) => ({ id, name, parentId, aliases }))).toEqual([
          { id: pakistan, name: 'Pakistan', parentId: null, aliases: [] },
          { id: noshki, name: 'Noshki', parentId: pakistan, aliases: [] },
        ]);
        await store.insertLocationAliases([{ locationId: noshki, alias: 'Nushki', kind: 'SPELLING' }]);
        await store.insertLocationAliases([{ locationId: noshki, alias: 'nushki', kind: 'SPELLING' }]);
        expect(await store.aliasesOf([noshki])).toEqual([[{ locationId: noshki, alias: 'Nushki', kind: 'SPELLING' }]]);
      } finally {
        await testDb.dispose();
      }
    });
  }
});
