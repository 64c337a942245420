/**
 * A synthetic corpus for load tests and demos: real places from the country-state-city gazetteer,
 * invented authors, articles and casualty figures that follow the domain's rules. Bounds come from
 * the coding table, parts never exceed their whole, and every figure's quote is a sentence of its
 * article's body that states the count. A few percent of articles carry each of the second edition's
 * links, within its editorial rules: the lead toll said again in agreeing words, two named sources'
 * contradicting counts, a larger revised toll, a count about another, undated event.
 *
 * Deterministic: the same seed and article count give the same content (with the same gazetteer
 * version). Everything is drawn from one seeded faker in a fixed order that never depends on what the
 * database returns, and dates are spread over a fixed window, never around "now". Ids come from the
 * store's sequences, so they (and the slugs and URLs that carry them) match only between stores that
 * start in the same state.
 */
import { Faker, en } from '@faker-js/faker';
import { City, Country, State, type ICity } from 'country-state-city';
import {
  CODING, boundsFor,
  type Bounds, type ClaimantType, type Group, type LocationKind, type Outcome, type Qualifier, type Verification,
} from '../../src/domain/casualty';
import type { LocationRecord, NewArticle, NewAuthor, NewCasualtyFigure, NewLocation } from '../../src/store/records';
import type { BulkLoader, ContentReader } from '../../src/store/store';
import { joinParagraphs, slugOf } from '../../src/domain/article-text';

export const DEFAULT_SEED = 1;
export const DEFAULT_BATCH_SIZE = 2_000;

export interface SeedOptions {
  /** How many articles to write: a positive integer. */
  articles: number;
  /** The faker seed (an integer); default `DEFAULT_SEED`. */
  seed?: number;
  /** Articles per write (one `insertArticles` and one `insertFigures` call each); default `DEFAULT_BATCH_SIZE`. */
  batchSize?: number;
  /** Called after each batch is stored, with the articles stored so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** What a run wrote. `authors` and `locations` count the records the corpus uses, found or created. */
export interface SeedCounts {
  authors: number;
  locations: number;
  articles: number;
  figures: number;
}

/**
 * Writes a synthetic corpus of `options.articles` articles (about ten figures each) into `store`:
 * first the gazetteer's places and the authors, reusing those already stored (by ISO code, natural
 * key or slug, so it runs after the worked example and twice without duplicating them), then the
 * articles and their figures in batches, generated one batch at a time so memory stays bounded.
 * Running it twice adds a second set of articles. Throws a RangeError for a count, batch size or
 * seed that is not a suitable integer, before writing anything.
 */
export async function seedSynthetic(store: BulkLoader & ContentReader, options: SeedOptions): Promise<SeedCounts> {
  const { articles: total, seed = DEFAULT_SEED, batchSize = DEFAULT_BATCH_SIZE, onProgress } = options;
  requirePositiveInteger('articles', total);
  requirePositiveInteger('batchSize', batchSize);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);

  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const places = await storePlaces(store, gazetteerLevels());
  const authorIds = await storeAuthors(store, draftAuthors(faker, authorCountFor(total)));
  const cast = castOf(faker, places, authorIds);

  let drafted = 0;
  let stored = 0;
  let figures = 0;
  const writes = new BoundedWrites(WRITES_IN_FLIGHT);
  try {
    while (drafted < total) {
      const size = Math.min(batchSize, total - drafted);
      const batch = await draftBatch(faker, store, cast, size);
      drafted += size;
      await writes.add(async () => {
        await writeBatch(store, batch);
        figures += batch.figures.length;
        stored += size;
        onProgress?.(stored, total);
      });
    }
  } finally {
    await writes.drain();
  }
  return { authors: authorIds.length, locations: places.length, articles: total, figures };
}

/**
 * Batches written at once. Drafting the next batch while the database stores the previous ones keeps
 * both the generator and the database busy; more in flight hold more memory for little gain. Memory
 * holds at most this many batches plus the one being drafted.
 */
const WRITES_IN_FLIGHT = 2;

/** Runs at most `limit` writes at once and remembers the first failure, which `add` and `drain` rethrow. */
class BoundedWrites {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly limit: number) {}

  /** Starts `write` once fewer than `limit` writes are running; throws if an earlier write failed. */
  async add(write: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    this.throwIfFailed();
    const running: Promise<void> = write()
      .catch((error: unknown) => { this.failure ??= { error }; })
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /** Resolves when every write has finished; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.running);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

// ---- randomness -----------------------------------------------------------------------------------

/** A weight table, ready for `weighted`; a `Record` over an enum makes the compiler demand every value. */
type Weights<T> = { value: T; weight: number }[];

function weightsOf<T extends string>(table: Record<T, number>): Weights<T> {
  return (Object.entries(table) as [T, number][]).map(([value, weight]) => ({ value, weight }));
}

function weighted<T>(faker: Faker, weights: Weights<T>): T {
  return faker.helpers.weightedArrayElement(weights);
}

function pick<T>(faker: Faker, list: readonly T[]): T {
  return faker.helpers.arrayElement(list);
}

function chance(faker: Faker, probability: number): boolean {
  return faker.number.float() < probability;
}

/** A whole number in [min, max], log-uniform, so small tolls are common and large ones rare. */
function logNumber(faker: Faker, min: number, max: number): number {
  const n = Math.round(Math.exp(faker.number.float({ min: Math.log(min), max: Math.log(max) })));
  return Math.min(max, Math.max(min, n));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---- places -----------------------------------------------------------------------------------------

/** Countries with recent armed conflict, ISO 3166-1 alpha-2, so the figures are plausible where they sit. */
const COUNTRY_CODES = ['PK', 'AF', 'SY', 'UA', 'SD', 'NG', 'ML', 'YE', 'SO', 'CD'] as const;
/** Towns kept per province: enough to spread figures, few enough to keep the tree browsable. */
const LOCALITIES_PER_ADMIN1 = 15;
/** The gazetteer lists districts among its cities; this suffix tells them apart. */
const DISTRICT_SUFFIX = ' District';

/** A gazetteer place before it is stored; `parent` is a place of the level above. */
interface PlaceSpec {
  name: string;
  kind: LocationKind;
  isoCode: string | null;
  latitude: number | null;
  longitude: number | null;
  parent: PlaceSpec | null;
}

/** A stored place of the corpus' tree. */
interface Place {
  id: string;
  name: string;
  kind: LocationKind;
  parent: Place | null;
  /** Every place of the tree below this one. */
  below: Place[];
}

/**
 * The gazetteer's places, one list per level (countries, provinces, districts, towns), parents in
 * the level before. Provinces get ISO 3166-2 codes; districts are the cities named "... District".
 * Towns that give a district its name (district seats, like Quetta) come first, then others spread
 * over the alphabet; a seat goes under its district, as in the worked example, any other town under
 * its province. Names are unique within a parent, as the store's natural key requires.
 */
function gazetteerLevels(): PlaceSpec[][] {
  const countries: PlaceSpec[] = [];
  const provinces: PlaceSpec[] = [];
  const districts: PlaceSpec[] = [];
  const towns: PlaceSpec[] = [];
  for (const code of COUNTRY_CODES) {
    const country = Country.getCountryByCode(code);
    if (!country) throw new Error(`the gazetteer has no country ${code}`);
    const countrySpec = placeSpec(country.name, 'COUNTRY', code, country, null);
    countries.push(countrySpec);
    for (const state of uniqueBy(State.getStatesOfCountry(code), (state) => state.name)) {
      const province = placeSpec(state.name, 'ADMIN1', `${code}-${state.isoCode}`, state, countrySpec);
      provinces.push(province);
      const cities = uniqueBy(City.getCitiesOfState(code, state.isoCode), (city) => city.name);
      const ownDistricts = cities.filter(isDistrict).map((city) => placeSpec(city.name, 'ADMIN2', null, city, province));
      districts.push(...ownDistricts);
      // Spellings vary ("Kalat", "Kalāt District"), so names are compared by slug.
      const districtOfSeat = new Map(ownDistricts.map((d) => [slugOf(d.name.slice(0, -DISTRICT_SUFFIX.length)), d]));
      const [seats, others] = partition(cities.filter((city) => !isDistrict(city)), (city) => districtOfSeat.has(slugOf(city.name)));
      const kept = [...seats.slice(0, LOCALITIES_PER_ADMIN1), ...evenlySpaced(others, LOCALITIES_PER_ADMIN1 - seats.length)];
      for (const city of kept) {
        towns.push(placeSpec(city.name, 'LOCALITY', null, city, districtOfSeat.get(slugOf(city.name)) ?? province));
      }
    }
  }
  return [countries, provinces, districts, towns];
}

function isDistrict(city: ICity): boolean {
  return city.name.endsWith(DISTRICT_SUFFIX);
}

function placeSpec(
  name: string, kind: LocationKind, isoCode: string | null,
  at: { latitude?: string | null; longitude?: string | null }, parent: PlaceSpec | null,
): PlaceSpec {
  return { name, kind, isoCode, latitude: coordinate(at.latitude, 90), longitude: coordinate(at.longitude, 180), parent };
}

/** A gazetteer coordinate (a decimal string) as a number; null when missing or out of range. */
function coordinate(value: string | null | undefined, limit: number): number | null {
  const n = value ? Number(value) : NaN;
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : null;
}

/** The first item for each key, in input order. */
function uniqueBy<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(keyOf(item)) && Boolean(seen.add(keyOf(item))));
}

/** The items that pass `test`, then those that fail it, each in input order. */
function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

/** At most `count` items spread evenly over the list, so the pick is not all one end of the alphabet. */
function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (count <= 0) return [];
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]);
}

/**
 * Stores the levels in order, one `upsertLocations` call per level, and returns the tree. Places
 * already stored (the worked example's, or a previous run's) are found by ISO code or natural key
 * rather than duplicated, and so is a town already filed anywhere below its province.
 *
 * The tree keeps the gazetteer's shape whatever the store holds, so that the random draws, and with
 * them the content, do not depend on what was there before; a reused town may sit deeper in the store
 * (under a district), which keeps every ancestor the tree gives it.
 */
async function storePlaces(store: BulkLoader & ContentReader, levels: PlaceSpec[][]): Promise<Place[]> {
  const placeOf = new Map<PlaceSpec, Place>();
  const parentOf = (spec: PlaceSpec) => (spec.parent ? placeOf.get(spec.parent)! : null);
  for (const level of levels) {
    const known = level[0]?.kind === 'LOCALITY'
      ? await storedTowns(store, level.map((spec) => ({ name: spec.name, parent: parentOf(spec)! })))
      : [];
    const fresh = level.filter((_, i) => known[i] === undefined);
    const freshIds = await store.upsertLocations(fresh.map((spec): NewLocation => ({
      parentId: parentOf(spec)?.id ?? null, name: spec.name, kind: spec.kind, isoCode: spec.isoCode,
      latitude: spec.latitude, longitude: spec.longitude,
    })));
    let next = 0;
    level.forEach((spec, i) => {
      const parent = parentOf(spec);
      const place: Place = { id: known[i] ?? freshIds[next++], name: spec.name, kind: spec.kind, parent, below: [] };
      for (let ancestor = parent; ancestor; ancestor = ancestor.parent) ancestor.below.push(place);
      placeOf.set(spec, place);
    });
  }
  return [...placeOf.values()];
}

/**
 * For each town about to be stored, the id of a town of the same name that the store already holds
 * below the same province, directly or under one of its districts; undefined where there is none.
 * (The worked example files Pasni under Gwadar District, which the gazetteer lacks.) Two batch
 * reads, whatever the number of towns.
 */
async function storedTowns(store: ContentReader, towns: { name: string; parent: Place }[]): Promise<(string | undefined)[]> {
  const provinces = [...new Set(towns.map((town) => provinceOf(town.parent)))];
  const children = await store.childrenOf(provinces.map((province) => province.id));
  const districts = children.flatMap((places, i) =>
    places.filter((place) => place.kind === 'ADMIN2').map((district) => ({ district, province: provinces[i] })));
  const grandchildren = await store.childrenOf(districts.map(({ district }) => district.id));
  const found = new Map<string, string>();
  const remember = (province: Place, place: LocationRecord) => {
    const key = `${province.id}/${place.name}`;
    if (place.kind === 'LOCALITY' && !found.has(key)) found.set(key, place.id);
  };
  // Towns filed directly under the province first: they are what the natural key would find.
  children.forEach((places, i) => places.forEach((place) => remember(provinces[i], place)));
  grandchildren.forEach((places, i) => places.forEach((place) => remember(districts[i].province, place)));
  return towns.map((town) => found.get(`${provinceOf(town.parent).id}/${town.name}`));
}

/** The ADMIN1 place at or above `place` (a tree built by `gazetteerLevels` always has one above a town). */
function provinceOf(place: Place): Place {
  let province = place;
  while (province.kind !== 'ADMIN1' && province.parent) province = province.parent;
  return province;
}

// ---- authors ----------------------------------------------------------------------------------------

/** A few hundred bylines, growing slowly with the corpus: 157 for 50 articles, 466 for 100,000. */
function authorCountFor(articles: number): number {
  return Math.min(800, 150 + Math.round(Math.sqrt(articles)));
}

const BEATS = ['security', 'South Asia', 'the Sahel', 'the Middle East', 'East Africa', 'humanitarian affairs', 'human rights'];

/** Authors with unique slugs: a repeated name gets a numbered slug ("jane-doe-2"). */
function draftAuthors(faker: Faker, count: number): NewAuthor[] {
  const taken = new Map<string, number>();
  return Array.from({ length: count }, () => {
    const name = `${faker.person.firstName()} ${faker.person.lastName()}`;
    const base = slugOf(name);
    const seen = (taken.get(base) ?? 0) + 1;
    taken.set(base, seen);
    const bio = chance(faker, 0.7) ? `${name} reports on ${pick(faker, BEATS)}.` : null;
    return { slug: seen === 1 ? base : `${base}-${seen}`, name, bio };
  });
}

/** The authors' ids in input order: those already stored under the slug are reused, the rest inserted. */
async function storeAuthors(store: BulkLoader & ContentReader, authors: NewAuthor[]): Promise<string[]> {
  const existing = await store.authorsBySlugs(authors.map((author) => author.slug));
  const missing = authors.filter((_, i) => !existing[i]);
  const created = await store.insertAuthors(missing);
  let next = 0;
  return existing.map((author) => author?.id ?? created[next++]);
}

// ---- the cast every article draws from --------------------------------------------------------------

interface Region {
  country: Place;
  provinces: Place[];
  /** Invented armed groups active in the country, named in their claims. */
  armedGroups: string[];
}

interface Cast {
  regions: Region[];
  authorIds: string[];
}

const ARMED_GROUP_KINDS = ['Liberation Front', 'Resistance Army', 'Freedom Movement', 'Brigades', 'Defence Council'];

function castOf(faker: Faker, places: Place[], authorIds: string[]): Cast {
  const regions = places.filter((place) => place.kind === 'COUNTRY').map((country) => ({
    country,
    provinces: country.below.filter((place) => place.parent === country),
    armedGroups: Array.from({ length: 3 }, () => `the ${capitalize(faker.word.noun())} ${pick(faker, ARMED_GROUP_KINDS)}`),
  }));
  return { regions, authorIds };
}

// ---- articles -----------------------------------------------------------------------------------------

/** Five years of news ending with 2026-10-31, fixed so that a seed always yields the same dates. */
const FIRST_DATE = Date.UTC(2021, 10, 1);
const END_DATE = Date.UTC(2026, 10, 1);
const UNDATED_SHARE = 0.02;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const TAGS = [
  'conflict', 'security', 'insurgency', 'terrorism', 'humanitarian', 'displacement', 'human-rights',
  'politics', 'ceasefire', 'protests', 'aid', 'elections',
];

/** One article and its figures, not yet stored; the article's id is allocated, the figures' are not. */
interface ArticleDraft {
  article: NewArticle & { id: string };
  figures: FigureDraft[];
}

/** A batch ready to write: the articles and their figures, every id allocated. */
interface Batch {
  articles: NewArticle[];
  figures: NewCasualtyFigure[];
}

/**
 * Drafts `size` articles and their figures. Ids are allocated here, in batch order, so they do not
 * depend on how concurrent writes interleave: article ids first (slugs and URLs carry them), then
 * figure ids, so that parts can name their wholes, and restatements and revisions the figures they
 * restate or revise, within the same insert.
 */
async function draftBatch(faker: Faker, store: BulkLoader, cast: Cast, size: number): Promise<Batch> {
  const articleIds = await store.allocateIds('articles', size);
  const drafts = articleIds.map((id) => draftArticle(faker, cast, id));
  const figureIds = await store.allocateIds('casualty_figures', drafts.reduce((n, draft) => n + draft.figures.length, 0));
  const figures: NewCasualtyFigure[] = [];
  for (const { article, figures: articleFigures } of drafts) {
    const offset = figures.length;
    const idAt = (index: number | null) => (index === null ? null : figureIds[offset + index]);
    articleFigures.forEach((figure, position) => figures.push({
      id: figureIds[offset + position],
      articleId: article.id,
      position,
      outcome: figure.outcome,
      group: figure.group,
      ...figure.bounds,
      qualifier: figure.qualifier,
      claimedBy: figure.claimedBy,
      claimantType: figure.claimantType,
      verification: figure.verification,
      quote: figure.quote,
      locationId: figure.place?.id ?? null,
      periodStart: figure.periodStart,
      periodEnd: figure.periodEnd,
      partOfId: idAt(figure.partOf),
      restatesId: idAt(figure.restates),
      supersedesId: idAt(figure.supersedes),
      who: figure.who,
      background: figure.background,
    }));
  }
  return { articles: drafts.map((draft) => draft.article), figures };
}

/** Stores a batch: the articles in one call, then their figures (which reference them) in one call. */
async function writeBatch(store: BulkLoader, batch: Batch): Promise<void> {
  await store.insertArticles(batch.articles);
  await store.insertFigures(batch.figures);
}

function draftArticle(faker: Faker, cast: Cast, id: string): ArticleDraft {
  const region = pick(faker, cast.regions);
  const reported = reportedPlaces(faker, cast, region);
  const publishedAt = chance(faker, UNDATED_SHARE) ? null : new Date(faker.number.int({ min: FIRST_DATE, max: END_DATE - 1 }));
  const figures = draftFigures(faker, { region, reported, publishedAt });
  const placeNames = reported.map((place) => place.name);
  const lead = figures[0];
  const headline = headlineOf(faker, lead, (lead.place ?? reported[0]).name);
  const slug = `${slugOf(headline).slice(0, 80).replace(/-+$/, '') || 'article'}-${id}`;
  const standfirst = chance(faker, 0.75) ? fillerSentence(faker, placeNames) : null;
  const body = joinParagraphs(paragraphsOf(faker, figures.map((figure) => figure.quote), placeNames));
  return {
    article: {
      id, slug, headline, standfirst, body, publishedAt,
      // Undated articles still need an update time; the end of the window keeps it reproducible.
      updatedAt: new Date(publishedAt ? publishedAt.getTime() + faker.number.int({ min: 0, max: 72 * 60 }) * MINUTE : END_DATE),
      sourceUrl: `https://example.org/news/${slug}`,
      language: 'en',
      tags: [...faker.helpers.arrayElements(TAGS, { min: 1, max: 3 }), slugOf(region.country.name)],
      authorIds: faker.helpers.arrayElements(cast.authorIds, { min: 1, max: 3 }),
      locationIds: reported.map((place) => place.id),
    },
    figures,
  };
}

/**
 * One to three places the article reports on: a province or a place in it, then mostly places of
 * the same province, sometimes of another province of the same country, rarely of another country.
 */
function reportedPlaces(faker: Faker, cast: Cast, region: Region): Place[] {
  const province = pick(faker, region.provinces);
  const places = [placeWithin(faker, province, 0.6)];
  for (let extra = faker.number.int({ min: 0, max: 2 }); extra > 0; extra--) {
    const roll = faker.number.float();
    const from = roll < 0.75 ? province
      : roll < 0.95 ? pick(faker, region.provinces)
        : pick(faker, pick(faker, cast.regions).provinces);
    const place = placeWithin(faker, from, 0.7);
    if (!places.includes(place)) places.push(place);
  }
  return places;
}

/** `place` or, with probability `below`, a place under it (when it has any). */
function placeWithin(faker: Faker, place: Place, below: number): Place;
function placeWithin(faker: Faker, place: Place | null, below: number): Place | null;
function placeWithin(faker: Faker, place: Place | null, below: number): Place | null {
  return place && place.below.length > 0 && chance(faker, below) ? pick(faker, place.below) : place;
}

/** Four to twelve paragraphs: the figure sentences in order, spread over them, each with filler around it. */
function paragraphsOf(faker: Faker, figureSentences: string[], placeNames: string[]): string[] {
  const count = faker.number.int({ min: 4, max: 12 });
  const paragraphs = Array.from({ length: count }, () => [] as string[]);
  figureSentences.forEach((sentence, i) => paragraphs[Math.floor((i * count) / figureSentences.length)].push(sentence));
  return paragraphs.map((sentences) => {
    const filler = Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, () => fillerSentence(faker, placeNames));
    return [...sentences, ...filler].join(' ');
  });
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SPEAKERS = ['a local journalist', 'an aid worker', 'a shopkeeper', 'a provincial spokesperson', 'a security analyst', 'a teacher'];
const OBSERVERS = ['local officials', 'aid agencies', 'residents', 'community leaders'];

/** Plain English news filler with no figures in it, so every number in a body belongs to a figure. */
const FILLER_TEMPLATES: readonly ((faker: Faker, where: string) => string)[] = [
  (faker, where) => `Residents of ${where} described the ${faker.word.noun()} as ${faker.word.adjective()}.`,
  (faker, where) => `The ${faker.word.noun()} in ${where} remained ${faker.word.adjective()} on ${pick(faker, WEEKDAYS)}, according to ${pick(faker, OBSERVERS)}.`,
  (faker, where) => `Authorities in ${where} said they would ${faker.word.verb()} the ${faker.word.noun()} within days.`,
  (faker) => `Aid groups warned that the ${faker.word.adjective()} ${faker.word.noun()} could get worse.`,
  (faker) => `${faker.person.firstName()} ${faker.person.lastName()}, ${pick(faker, SPEAKERS)}, said the ${faker.word.noun()} had been ${faker.word.adjective()} for weeks.`,
  (faker, where) => `Schools and markets in ${where} stayed closed as the ${faker.word.noun()} went on.`,
  (faker, where) => `Analysts said the ${faker.word.adjective()} ${faker.word.noun()} reflected wider tensions around ${where}.`,
  (faker) => `Talks on the ${faker.word.noun()} are expected to resume next ${pick(faker, WEEKDAYS)}.`,
];

/** A filler sentence about one of the places the article reports on. */
function fillerSentence(faker: Faker, placeNames: string[]): string {
  return pick(faker, FILLER_TEMPLATES)(faker, pick(faker, placeNames));
}

const HEADLINE_ENDINGS = ['as violence spreads', 'amid renewed fighting', 'as tensions rise', 'after days of clashes'];

/** "At least 48 people killed in Balochistan", sometimes with a reason after it. */
function headlineOf(faker: Faker, lead: FigureDraft, where: string): string {
  const headline = `${capitalize(countPhrase(lead))} ${OUTCOME_WORDS[lead.outcome].headline} in ${where}`;
  return chance(faker, 0.4) ? `${headline} ${pick(faker, HEADLINE_ENDINGS)}` : headline;
}

// ---- figures ------------------------------------------------------------------------------------------

/** How the text counts: the qualifier and the numbers said (null when the wording carries none). */
interface Count {
  qualifier: Qualifier;
  number: number | null;
  /** BETWEEN's second number ("between 400 and 500"); null for every other qualifier. */
  numberHigh: number | null;
}

interface Claim {
  claimedBy: string | null;
  claimantType: ClaimantType;
  verification: Verification;
}

interface Period {
  periodStart: Date | null;
  periodEnd: Date | null;
}

/**
 * What a figure's sentence does in the article, which decides how it opens: an ordinary count, the
 * lead toll said again, a second source's different count, a revised toll, or a count about another
 * event.
 */
type FigureRole = 'count' | 'restatement' | 'rival' | 'revision' | 'background';

/**
 * A figure before its id is known. `partOf`, `restates` and `supersedes` are indexes among the
 * article's figures, always of an earlier figure, so the links can never form a cycle.
 */
interface FigureDraft extends Count, Claim, Period {
  outcome: Outcome;
  group: Group;
  bounds: Bounds;
  place: Place | null;
  partOf: number | null;
  restates: number | null;
  supersedes: number | null;
  /** The text's own words for the people counted, said in place of the group's noun. */
  who: string | null;
  background: boolean;
  role: FigureRole;
  /** "casualties" in place of "were killed or wounded" (KILLED_OR_INJURED only). */
  saysCasualties: boolean;
  quote: string;
}

/** What the figures of one article share. */
interface ArticleScene {
  region: Region;
  reported: Place[];
  publishedAt: Date | null;
}

/** Two to eighteen figures an article, ten on average, before the links below add a few. */
const MIN_FIGURES = 2;
const MAX_FIGURES = 18;
/** How often the next figure is a whole broken down into parts. */
const WHOLE_SHARE = 0.3;
/** How often a part of a whole is itself broken down further (by place, same group). */
const NESTED_SHARE = 0.25;
/**
 * Shares of articles that give their lead toll again later, give two sources' contradicting counts,
 * revise a toll, or recall another, undated event: a few percent each, as in wire copy.
 */
export const RESTATED_LEAD_SHARE = 0.08;
export const RIVAL_COUNTS_SHARE = 0.05;
export const REVISED_TOLL_SHARE = 0.06;
export const BACKGROUND_SHARE = 0.04;
/** How often a count names its people in the text's own words ("police officers", "children"). */
const WHO_SHARE = 0.1;

const OUTCOME_WEIGHTS = weightsOf<Outcome>({ KILLED: 48, INJURED: 24, KILLED_OR_INJURED: 5, ABDUCTED: 8, DETAINED: 9, MISSING: 6 });
const GROUP_WEIGHTS = weightsOf<Group>({ CIVILIANS: 35, SECURITY_FORCES: 25, MILITANTS: 20, UNSPECIFIED: 20 });
const QUALIFIER_WEIGHTS = weightsOf<Qualifier>({
  EXACT: 20, AT_LEAST: 20, MORE_THAN: 8, NEARLY: 5, ABOUT: 8, UP_TO: 5, BETWEEN: 3,
  SEVERAL: 8, DOZENS: 8, SCORES: 4, HUNDREDS: 3, THOUSANDS: 1, UNSPECIFIED: 6,
});
/** A whole always has a lower bound, for its parts to fit under. */
const WHOLE_QUALIFIER_WEIGHTS: Weights<Qualifier> = weightsOf({
  AT_LEAST: 45, EXACT: 30, MORE_THAN: 10, BETWEEN: 4, DOZENS: 8, SCORES: 4, HUNDREDS: 3, THOUSANDS: 1,
});
const PART_QUALIFIER_WEIGHTS: Weights<Qualifier> = weightsOf({
  EXACT: 30, AT_LEAST: 30, MORE_THAN: 5, NEARLY: 5, ABOUT: 10, UP_TO: 5, BETWEEN: 2, SEVERAL: 10, DOZENS: 5,
});
const CLAIMANT_WEIGHTS = weightsOf<ClaimantType>({
  OFFICIAL: 33, ARMED_GROUP: 12, INDEPENDENT: 11, WITNESS: 10, MEDIA: 17, MEDICAL: 7, UNKNOWN: 12,
});
const VERIFICATION_WEIGHTS = weightsOf<Verification>({ CONFIRMED: 15, REPORTED: 55, UNVERIFIED: 20, DISPUTED: 10 });
/** Nobody checks an armed group's claim of its own success. */
const ARMED_GROUP_VERIFICATION_WEIGHTS = weightsOf<Verification>({ CONFIRMED: 3, REPORTED: 20, UNVERIFIED: 55, DISPUTED: 22 });
/** Qualifiers whose number may be 1 and read in the singular ("1 civilian was killed"). */
const SINGULAR_QUALIFIERS: ReadonlySet<Qualifier> = new Set(['EXACT', 'AT_LEAST']);

/**
 * An article's figures: counts and wholes with their parts, then, in some articles, the lead toll
 * said again, two sources' contradicting counts, a revised toll and a count about another event.
 */
function draftFigures(faker: Faker, scene: ArticleScene): FigureDraft[] {
  const target = faker.number.int({ min: MIN_FIGURES, max: MAX_FIGURES });
  const figures: FigureDraft[] = [];
  while (figures.length < target) {
    if (target - figures.length >= 2 && chance(faker, WHOLE_SHARE)) addWholeWithParts(faker, scene, figures, target);
    else figures.push(draftFigure(faker, scene, { ...standaloneCount(faker), group: weighted(faker, GROUP_WEIGHTS) }));
  }
  if (chance(faker, RESTATED_LEAD_SHARE)) addRestatedLead(faker, scene, figures);
  if (chance(faker, RIVAL_COUNTS_SHARE)) addRivalCounts(faker, scene, figures);
  if (chance(faker, REVISED_TOLL_SHARE)) addRevisedToll(faker, scene, figures);
  if (chance(faker, BACKGROUND_SHARE)) {
    figures.push(draftFigure(faker, scene, {
      ...standaloneCount(faker), group: weighted(faker, GROUP_WEIGHTS), role: 'background', period: { periodStart: null, periodEnd: null },
    }));
  }
  return figures;
}

/** A figure's facts; the rest (outcome, claim, place, period, who) is drawn unless given. */
type FigureFacts = Count & { group: Group } & Partial<
  Pick<FigureDraft, 'outcome' | 'place' | 'partOf' | 'restates' | 'supersedes' | 'who' | 'role'> & { claim: Claim; period: Period }>;

function draftFigure(faker: Faker, scene: ArticleScene, facts: FigureFacts): FigureDraft {
  const outcome = facts.outcome ?? weighted(faker, OUTCOME_WEIGHTS);
  const claim = facts.claim ?? draftClaim(faker, scene.region);
  const place = facts.place !== undefined ? facts.place : figurePlace(faker, scene.reported);
  const period = facts.period ?? draftPeriod(faker, scene.publishedAt);
  const role = facts.role ?? 'count';
  const singular = isSingular(facts);
  // Words for people read in the plural: never "1 children".
  const who = singular ? null : facts.who !== undefined ? facts.who : draftWho(faker, facts.group);
  const saysCasualties = outcome === 'KILLED_OR_INJURED' && !singular && facts.partOf === undefined && role !== 'revision' && chance(faker, 0.5);
  const figure: Omit<FigureDraft, 'quote'> = {
    qualifier: facts.qualifier, number: facts.number, numberHigh: facts.numberHigh,
    bounds: boundsFor(facts.qualifier, facts.number, facts.numberHigh),
    outcome, group: facts.group, ...claim, place, ...period, partOf: facts.partOf ?? null,
    restates: facts.restates ?? null, supersedes: facts.supersedes ?? null, who,
    background: role === 'background', role, saysCasualties,
  };
  return { ...figure, quote: figureSentence(faker, figure) };
}

/**
 * Adds a whole (everyone, with a lower bound) and its parts by group, each part at the whole's place
 * or below it, all within `end` figures. Parts take their numbers from what the whole's low leaves,
 * so the largest number any part states never pushes the parts past the whole.
 */
function addWholeWithParts(faker: Faker, scene: ArticleScene, figures: FigureDraft[], end: number): void {
  const wholeIndex = figures.length;
  const count = countSaying(faker, weighted(faker, WHOLE_QUALIFIER_WEIGHTS), 5, 300);
  figures.push(draftFigure(faker, scene, { ...count, group: 'UNSPECIFIED', who: null }));
  const groups = faker.helpers.arrayElements(['CIVILIANS', 'SECURITY_FORCES', 'MILITANTS'] as const, { min: 1, max: 3 });
  addParts(faker, scene, figures, wholeIndex, groups, end);
}

function addParts(faker: Faker, scene: ArticleScene, figures: FigureDraft[], wholeIndex: number, groups: readonly Group[], end: number): void {
  const whole = figures[wholeIndex];
  const sameClaim = claimOf(whole);
  let budget = whole.bounds.low ?? 0;
  for (const group of groups) {
    if (budget < 1 || figures.length >= end) return;
    const partIndex = figures.length;
    const part = draftFigure(faker, scene, {
      ...partCount(faker, budget), group, outcome: whole.outcome, partOf: wholeIndex,
      place: placeWithin(faker, whole.place, 0.5),
      period: { periodStart: whole.periodStart, periodEnd: whole.periodEnd },
      claim: chance(faker, 0.7) ? sameClaim : draftClaim(faker, scene.region),
    });
    figures.push(part);
    budget -= largestStated(part.bounds);
    // Only parts of a whole of everyone are broken down again: two levels, like the worked example.
    if (whole.group === 'UNSPECIFIED' && chance(faker, NESTED_SHARE)) {
      addParts(faker, scene, figures, partIndex, Array.from({ length: faker.number.int({ min: 1, max: 2 }) }, () => group), end);
    }
  }
}

/**
 * The lead toll given again later, mostly by another source, in wording that agrees with it (the
 * largest low at most the smallest high). Agreeing, the set's low is at least the lead's, so parts
 * that fit the lead fit the set.
 */
function addRestatedLead(faker: Faker, scene: ArticleScene, figures: FigureDraft[]): void {
  const lead = figures[0];
  const counts = restatingCounts(lead).filter((count) => agree([lead.bounds, boundsFor(count.qualifier, count.number, count.numberHigh)]));
  figures.push(draftFigure(faker, scene, {
    ...pick(faker, counts), group: lead.group, outcome: lead.outcome, place: lead.place, who: lead.who,
    period: { periodStart: lead.periodStart, periodEnd: lead.periodEnd },
    claim: chance(faker, 0.7) ? draftClaim(faker, scene.region, otherNamedClaimants(lead.claimantType)) : claimOf(lead),
    restates: 0, role: 'restatement',
  }));
}

/** Ways to say the lead's toll again: its own words, its number plainly, or a word of its size. */
function restatingCounts(lead: Count & { bounds: Bounds }): Count[] {
  const counts: Count[] = [{ qualifier: lead.qualifier, number: lead.number, numberHigh: lead.numberHigh }];
  const { low, best } = lead.bounds;
  if (best !== null && best > 1) counts.push({ qualifier: 'EXACT', number: best, numberHigh: null });
  if (low !== null && low > 1) counts.push({ qualifier: 'AT_LEAST', number: low, numberHigh: null });
  const size = best ?? low ?? 0;
  const vague = size >= 2000 ? 'THOUSANDS' : size >= 200 ? 'HUNDREDS' : size >= 40 ? 'SCORES' : size >= 24 ? 'DOZENS' : size >= 3 && size < 10 ? 'SEVERAL' : null;
  if (vague) counts.push({ qualifier: vague, number: null, numberHigh: null });
  return counts;
}

/** Whether bounds agree as one set's: the largest low (null as 0) at most the smallest known high. */
function agree(bounds: Bounds[]): boolean {
  const highs = bounds.flatMap(({ high }) => (high === null ? [] : [high]));
  return highs.length === 0 || Math.max(...bounds.map(({ low }) => low ?? 0)) <= Math.min(...highs);
}

/**
 * Two named sources' counts of the same people that contradict ("the group said 12 were killed;
 * officials said 4"): the second restates the first, and neither has parts, so the disputed set's
 * span is never smaller than parts would need.
 */
function addRivalCounts(faker: Faker, scene: ArticleScene, figures: FigureDraft[]): void {
  const first = figures.length;
  const claim = draftClaim(faker, scene.region, otherNamedClaimants('UNKNOWN'));
  const n = logNumber(faker, 2, 300);
  const exact = chance(faker, 0.5);
  const claimed = draftFigure(faker, scene, {
    qualifier: exact ? 'EXACT' : 'AT_LEAST', number: n, numberHigh: null, group: weighted(faker, GROUP_WEIGHTS), claim,
  });
  figures.push(claimed);
  // Below an "at least", either side of an exact count: never agreeing.
  const m = !exact || chance(faker, 0.6) ? faker.number.int({ min: 1, max: n - 1 }) : faker.number.int({ min: n + 1, max: 2 * n });
  figures.push(draftFigure(faker, scene, {
    qualifier: 'EXACT', number: m, numberHigh: null, group: claimed.group, outcome: claimed.outcome, place: claimed.place,
    who: claimed.who, period: { periodStart: claimed.periodStart, periodEnd: claimed.periodEnd },
    claim: draftClaim(faker, scene.region, otherNamedClaimants(claim.claimantType)), restates: first, role: 'rival',
  }));
}

/**
 * A later, larger count of an earlier toll that stands alone (no parts, not part of anything, not in
 * a set), which it supersedes: "the toll rose to 21". Nothing happens when there is no such toll.
 */
function addRevisedToll(faker: Faker, scene: ArticleScene, figures: FigureDraft[]): void {
  const linked = new Set(figures.flatMap((figure) => [figure.partOf, figure.restates, figure.supersedes]));
  const tolls = figures.flatMap((figure, i) =>
    figure.role === 'count' && figure.partOf === null && !linked.has(i) && CODING[figure.qualifier].numbers > 0 ? [i] : []);
  if (tolls.length === 0) return;
  const index = pick(faker, tolls);
  const earlier = figures[index];
  const stated = largestStated(earlier.bounds);
  figures.push(draftFigure(faker, scene, {
    qualifier: chance(faker, 0.6) ? 'EXACT' : 'AT_LEAST', number: stated + faker.number.int({ min: 1, max: Math.max(1, stated) }),
    numberHigh: null, group: earlier.group, outcome: earlier.outcome, place: earlier.place, who: earlier.who,
    period: { periodStart: earlier.periodStart, periodEnd: earlier.periodEnd },
    claim: chance(faker, 0.5) ? claimOf(earlier) : draftClaim(faker, scene.region), supersedes: index, role: 'revision',
  }));
}

/** The largest number the bounds state (0 for none): what a part uses up of its whole. */
function largestStated({ low, best, high }: Bounds): number {
  return Math.max(low ?? 0, best ?? 0, high ?? 0);
}

function standaloneCount(faker: Faker): Count {
  const qualifier = weighted(faker, QUALIFIER_WEIGHTS);
  return countSaying(faker, qualifier, SINGULAR_QUALIFIERS.has(qualifier) ? 1 : 2, 300);
}

/** `qualifier` with the numbers its wording says, the first in [min, max]. */
function countSaying(faker: Faker, qualifier: Qualifier, min: number, max: number): Count {
  const { numbers } = CODING[qualifier];
  if (numbers === 0) return { qualifier, number: null, numberHigh: null };
  const number = logNumber(faker, min, max);
  if (numbers === 1) return { qualifier, number, numberHigh: null };
  // A range is said in round numbers: "between 6 and 8", "between 40 and 60", "between 400 and 500".
  const step = number >= 300 ? 100 : number >= 100 ? 50 : number >= 20 ? 10 : 1;
  const low = Math.max(step, Math.round(number / step) * step);
  return { qualifier, number: low, numberHigh: low + step * faker.number.int({ min: 1, max: step === 1 ? 4 : 2 }) };
}

/** A part's count that states nothing above `budget`; an exact count when the drawn wording would. */
function partCount(faker: Faker, budget: number): Count {
  const qualifier = weighted(faker, PART_QUALIFIER_WEIGHTS);
  const { numbers } = CODING[qualifier];
  const number = numbers > 0 ? faker.number.int({ min: 1, max: budget }) : null;
  const count: Count = { qualifier, number, numberHigh: numbers === 2 ? faker.number.int({ min: number!, max: number! + budget }) : null };
  const fits = count.numberHigh !== number && largestStated(boundsFor(count.qualifier, count.number, count.numberHigh)) <= budget;
  return fits ? count : { qualifier: 'EXACT', number: faker.number.int({ min: 1, max: budget }), numberHigh: null };
}

/**
 * Where a figure applies: mostly one of the reported places, sometimes the wider area around it or
 * a place below it, rarely nowhere the text names.
 */
function figurePlace(faker: Faker, reported: Place[]): Place | null {
  const base = pick(faker, reported);
  const roll = faker.number.float();
  if (roll < 0.75) return base;
  if (roll < 0.87) return base.parent ?? base;
  if (roll < 0.97) return placeWithin(faker, base, 1);
  return null;
}

/** The text's own words for some of a group's people; the group stays the coarse coding (DOMAIN: "Who, exactly"). */
const WHO_WORDS: Record<Group, readonly string[]> = {
  CIVILIANS: ['children', 'women and children', 'aid workers', 'journalists', 'worshippers', 'students', 'farmers', 'inmates'],
  SECURITY_FORCES: ['police officers', 'soldiers', 'border guards', 'paramilitary troops'],
  MILITANTS: ['fighters', 'insurgents', 'suspected militants'],
  UNSPECIFIED: ['passengers', 'villagers', 'shoppers'],
};

function draftWho(faker: Faker, group: Group): string | null {
  return chance(faker, WHO_SHARE) ? pick(faker, WHO_WORDS[group]) : null;
}

const OFFICIAL_CLAIMANTS = ['officials', 'police', 'the provincial government', 'the health ministry', 'the army', 'a local administrator'];
const OFFICIAL_TITLES = ['Governor', 'Police Chief', 'Interior Minister', 'District Commissioner'];
const OTHER_CLAIMANTS: Record<'INDEPENDENT' | 'WITNESS' | 'MEDIA' | 'MEDICAL', readonly string[]> = {
  INDEPENDENT: ['a local human rights group', 'UN monitors', 'an independent conflict monitor'],
  WITNESS: ['witnesses', 'residents', 'a survivor', 'local elders'],
  MEDIA: ['local media', 'state television', 'verified footage', 'a regional newspaper'],
  MEDICAL: ['hospital officials', 'doctors at the district hospital', 'rescue workers', 'the ambulance service', 'the Red Crescent', 'hospital staff'],
};

function claimOf({ claimedBy, claimantType, verification }: Claim): Claim {
  return { claimedBy, claimantType, verification };
}

/** The claimant weights without UNKNOWN and `type`: a second, named source. */
function otherNamedClaimants(type: ClaimantType): Weights<ClaimantType> {
  return CLAIMANT_WEIGHTS.filter(({ value }) => value !== 'UNKNOWN' && value !== type);
}

function draftClaim(faker: Faker, region: Region, weights: Weights<ClaimantType> = CLAIMANT_WEIGHTS): Claim {
  const claimantType = weighted(faker, weights);
  const verification = weighted(faker, claimantType === 'ARMED_GROUP' ? ARMED_GROUP_VERIFICATION_WEIGHTS : VERIFICATION_WEIGHTS);
  return { claimedBy: claimantOf(faker, claimantType, region), claimantType, verification };
}

function claimantOf(faker: Faker, type: ClaimantType, region: Region): string | null {
  switch (type) {
    case 'UNKNOWN': return null;
    case 'ARMED_GROUP': return pick(faker, region.armedGroups);
    case 'OFFICIAL': return chance(faker, 0.3)
      ? `${pick(faker, OFFICIAL_TITLES)} ${faker.person.firstName()} ${faker.person.lastName()}`
      : pick(faker, OFFICIAL_CLAIMANTS);
    default: return pick(faker, OTHER_CLAIMANTS[type]);
  }
}

/** About a third of dated figures cover a stated period of up to a month that ends by publication. */
function draftPeriod(faker: Faker, publishedAt: Date | null): Period {
  if (!publishedAt || !chance(faker, 0.35)) return { periodStart: null, periodEnd: null };
  const end = Math.floor(publishedAt.getTime() / DAY) * DAY - faker.number.int({ min: 0, max: 2 }) * DAY;
  return { periodStart: new Date(end - faker.number.int({ min: 0, max: 30 }) * DAY), periodEnd: new Date(end) };
}

// ---- figure wording -----------------------------------------------------------------------------------

/** How each qualifier is said, for the numbers `n` (and `m`) when it takes them. */
const COUNT_WORDING: Record<Qualifier, (n: number | null, m: number | null) => string> = {
  EXACT: (n) => `${n}`,
  AT_LEAST: (n) => `at least ${n}`,
  MORE_THAN: (n) => `more than ${n}`,
  NEARLY: (n) => `nearly ${n}`,
  ABOUT: (n) => `about ${n}`,
  UP_TO: (n) => `up to ${n}`,
  BETWEEN: (n, m) => `between ${n} and ${m}`,
  SEVERAL: () => 'several',
  DOZENS: () => 'dozens of',
  SCORES: () => 'scores of',
  HUNDREDS: () => 'hundreds of',
  THOUSANDS: () => 'thousands of',
  UNSPECIFIED: () => 'an unknown number of',
};

const GROUP_NOUNS: Record<Group, { one: string; many: string }> = {
  CIVILIANS: { one: 'civilian', many: 'civilians' },
  SECURITY_FORCES: { one: 'member of the security forces', many: 'members of the security forces' },
  MILITANTS: { one: 'militant', many: 'militants' },
  UNSPECIFIED: { one: 'person', many: 'people' },
};

const OUTCOME_WORDS: Record<Outcome, { headline: string; one: string; many: string }> = {
  KILLED: { headline: 'killed', one: 'was killed', many: 'were killed' },
  INJURED: { headline: 'wounded', one: 'was wounded', many: 'were wounded' },
  KILLED_OR_INJURED: { headline: 'killed or wounded', one: 'was killed or wounded', many: 'were killed or wounded' },
  ABDUCTED: { headline: 'abducted', one: 'was abducted', many: 'were abducted' },
  DETAINED: { headline: 'detained', one: 'was detained', many: 'were detained' },
  MISSING: { headline: 'missing', one: 'went missing', many: 'went missing' },
};

/** What the text says about checking the figure, in the words that make a reader code it so. */
const VERIFICATION_CLAUSES: Record<Verification, string> = {
  CONFIRMED: ', a toll independent monitors later confirmed',
  REPORTED: '',
  UNVERIFIED: '; the figure could not be independently verified',
  DISPUTED: ', though the figure was disputed',
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function isSingular(count: Count): boolean {
  return count.number === 1 && SINGULAR_QUALIFIERS.has(count.qualifier);
}

/** "at least 31 civilians", "dozens of members of the security forces", "between 4 and 6 police officers". */
function countPhrase(figure: Count & { group: Group; who: string | null }): string {
  const nouns = GROUP_NOUNS[figure.group];
  return `${countWords(figure)} ${figure.who ?? (isSingular(figure) ? nouns.one : nouns.many)}`;
}

function countWords({ qualifier, number, numberHigh }: Count): string {
  return COUNT_WORDING[qualifier](number, numberHigh);
}

/** A count of KILLED_OR_INJURED said as casualties: "dozens of civilian casualties". */
const CASUALTY_NOUNS: Record<Group, string> = {
  CIVILIANS: 'civilian casualties',
  SECURITY_FORCES: 'casualties among the security forces',
  MILITANTS: 'casualties among the militants',
  UNSPECIFIED: 'casualties',
};

/** How sentences open for each role, beyond the plain count's. */
const ROLE_OPENINGS: Record<Exclude<FigureRole, 'count' | 'revision'>, readonly string[]> = {
  restatement: ['In all, ', 'Altogether, ', 'Overall, '],
  rival: ['By another count, ', 'By a different account, '],
  background: ['In an earlier attack, ', 'In a previous attack, ', 'In a similar attack, '],
};

/**
 * The one sentence that states the figure, used both in the body and as its quote: count, outcome,
 * place, period, claimant and what the text says about verification. Parts open with "Among them",
 * restatements, rival counts and counts of another event with words that say so, and a revision
 * with "The toll rose to". No sentence opens with a numeral: sentence segmentation
 * (Intl.Segmenter, as in `sentenceContaining`) does not break before one, so "... said. 38 people
 * ..." would read as one sentence.
 */
function figureSentence(faker: Faker, figure: Omit<FigureDraft, 'quote'>): string {
  const outcome = OUTCOME_WORDS[figure.outcome];
  const place = figure.place ? ` in ${figure.place.name}` : '';
  const rest = `${place}${periodPhrase(figure)}${figure.claimedBy ? `, ${figure.claimedBy} said` : ''}${VERIFICATION_CLAUSES[figure.verification]}.`;
  if (figure.role === 'revision') return `The toll rose to ${countPhrase(figure)} ${outcome.headline}${rest}`;
  const opening = figure.role !== 'count' ? pick(faker, ROLE_OPENINGS[figure.role])
    : figure.partOf !== null ? 'Among them, ' : figure.qualifier === 'EXACT' ? 'A total of ' : '';
  const said = figure.saysCasualties
    ? `${countWords(figure)} ${figure.who ? `casualties among ${figure.who}` : CASUALTY_NOUNS[figure.group]} were reported`
    : `${countPhrase(figure)} ${isSingular(figure) ? outcome.one : outcome.many}`;
  return capitalize(`${opening}${said}${rest}`);
}

function periodPhrase({ periodStart, periodEnd }: Period): string {
  if (!periodStart || !periodEnd) return '';
  if (periodStart.getTime() === periodEnd.getTime()) return ` on ${dayOf(periodEnd)}`;
  return ` between ${dayOf(periodStart)} and ${dayOf(periodEnd)}`;
}

/** "3 March 2024", in UTC and English whatever the machine's locale. */
function dayOf(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}
