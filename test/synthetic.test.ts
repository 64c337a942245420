import {
  CLAIMANT_TYPES, CODING, GROUPS, OUTCOMES, QUALIFIERS, VERIFICATIONS, boundsFor,
} from '../src/domain/casualty';
import { sentenceContaining, splitParagraphs } from '../src/domain/article-text';
import { seedSynthetic, type SeedOptions } from '../tools/seed/synthetic';
import { loadCodedArticle } from '../src/seed/worked-example';
import { openStore } from '../src/store/open';
import type { ArticleRecord, CasualtyFigureRecord, NewArticle, NewCasualtyFigure } from '../src/store/records';
import type { SqlStore } from '../src/store/sql-store';

/** The articles and figures one seeding run handed to the store, in the order it wrote them. */
interface Writes {
  articles: NewArticle[];
  figures: NewCasualtyFigure[];
}

/** Seeds through a view of `store` that records every article and figure written. */
async function recordedSeed(store: SqlStore, options: SeedOptions): Promise<Writes> {
  const writes: Writes = { articles: [], figures: [] };
  const recording = new Proxy(store, {
    get(target, property) {
      if (property === 'insertArticles') {
        return (rows: NewArticle[]) => { writes.articles.push(...rows); return target.insertArticles(rows); };
      }
      if (property === 'insertFigures') {
        return (rows: NewCasualtyFigure[]) => { writes.figures.push(...rows); return target.insertFigures(rows); };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  await seedSynthetic(recording, options);
  return writes;
}

/** A run's content without the ids the store allocated: slugs and URLs carry the article id. */
function contentOf({ articles, figures }: Writes) {
  const positionOf = new Map(figures.map((figure) => [figure.id, figure.position]));
  return {
    articles: articles.map(({ id, slug, sourceUrl, ...content }) => content),
    figures: figures.map(({ id, articleId, partOfId, ...content }) => ({ ...content, partOf: partOfId ? positionOf.get(partOfId) : null })),
  };
}

/** The number the wording states, recovered from the bounds the coding table gave it. */
function numberSaid(figure: CasualtyFigureRecord): number | null {
  if (CODING[figure.qualifier].numbers === 0) return null;
  return figure.best ?? figure.high ?? figure.low! - 1;
}

const ARTICLES = 50;
const SEED = 7;

describe('seedSynthetic', () => {
  let store: SqlStore;
  let first: Writes;
  let again: Writes;
  let otherSeed: Writes;
  let placesAfterFirst: number;
  let placesAfterAgain: number;
  let articles: ArticleRecord[];
  let figures: CasualtyFigureRecord[];

  beforeAll(async () => {
    store = await openStore({});
    await loadCodedArticle(store);
    first = await recordedSeed(store, { articles: ARTICLES, seed: SEED, batchSize: 20 });
    placesAfterFirst = await store.countLocations({});
    again = await recordedSeed(store, { articles: ARTICLES, seed: SEED });
    placesAfterAgain = await store.countLocations({});
    otherSeed = await recordedSeed(store, { articles: ARTICLES, seed: SEED + 1 });
    const ids = first.articles.map((article) => article.id!);
    articles = (await store.articlesByIds(ids)).map((article) => article!);
    figures = (await store.figuresOfArticles(ids)).flat();
  });

  afterAll(() => store?.close());

  it('writes the same content for the same seed, whatever the batch size, and other content for another seed', () => {
    expect(first.articles).toHaveLength(ARTICLES);
    expect(contentOf(again)).toEqual(contentOf(first));
    expect(otherSeed.articles.map((a) => a.headline)).not.toEqual(first.articles.map((a) => a.headline));
  });

  it('stores every article and figure it writes, about ten figures an article', () => {
    expect(articles).toHaveLength(ARTICLES);
    expect(figures).toHaveLength(first.figures.length);
    expect(figures.length / ARTICLES).toBeGreaterThan(7);
    expect(figures.length / ARTICLES).toBeLessThan(13);
  });

  it('uses every outcome, group, qualifier, claimant type and verification', () => {
    const used = (pick: (figure: CasualtyFigureRecord) => string) => new Set(figures.map(pick));
    expect(used((f) => f.outcome)).toEqual(new Set(OUTCOMES));
    expect(used((f) => f.group)).toEqual(new Set(GROUPS));
    expect(used((f) => f.qualifier)).toEqual(new Set(QUALIFIERS));
    expect(used((f) => f.claimantType)).toEqual(new Set(CLAIMANT_TYPES));
    expect(used((f) => f.verification)).toEqual(new Set(VERIFICATIONS));
  });

  it('gives every figure the bounds the coding table gives its wording, and a quote stating its number', () => {
    expect(figures.length).toBeGreaterThan(ARTICLES);
    let numbered = 0;
    for (const figure of figures) {
      const n = numberSaid(figure);
      expect({ low: figure.low, best: figure.best, high: figure.high }).toEqual(boundsFor(figure.qualifier, n));
      if (n !== null) {
        numbered += 1;
        expect(figure.quote).toContain(String(n));
      }
    }
    expect(numbered).toBeGreaterThan(figures.length / 2);
  });

  it('quotes each figure with a whole sentence of its own article', () => {
    const bodyOf = new Map(articles.map((article) => [article.id, article.body]));
    expect(figures.length).toBeGreaterThan(ARTICLES);
    for (const figure of figures) {
      expect(sentenceContaining(bodyOf.get(figure.articleId)!, figure.quote)).toBe(figure.quote);
    }
  });

  it('keeps parts within their whole: same article, at or below its place, lows adding up to at most its low', async () => {
    const byId = new Map(figures.map((figure) => [figure.id, figure]));
    const parts = figures.filter((figure) => figure.partOfId);
    expect(parts.length).toBeGreaterThan(ARTICLES);
    const ancestors = await store.ancestorsOf(parts.map((part) => part.locationId ?? '0'));
    const lowsOfParts = new Map<string, number>();
    parts.forEach((part, i) => {
      const whole = byId.get(part.partOfId!);
      expect(whole?.articleId).toBe(part.articleId);
      const placesAtOrAbove = [part.locationId, ...ancestors[i].map((place) => place.id)];
      expect(placesAtOrAbove).toContain(whole!.locationId);
      lowsOfParts.set(whole!.id, (lowsOfParts.get(whole!.id) ?? 0) + (part.low ?? 0));
    });
    for (const [wholeId, lows] of lowsOfParts) expect(lows).toBeLessThanOrEqual(byId.get(wholeId)!.low!);
  });

  it('shapes each article: 4-12 paragraphs, 1-3 authors and places, a date in the five years to 2026-10-31', () => {
    expect(articles).toHaveLength(ARTICLES);
    for (const article of articles) {
      expect(splitParagraphs(article.body).length).toBeGreaterThanOrEqual(4);
      expect(splitParagraphs(article.body).length).toBeLessThanOrEqual(12);
      expect(article.authorIds.length).toBeGreaterThanOrEqual(1);
      expect(article.authorIds.length).toBeLessThanOrEqual(3);
      expect(article.locationIds.length).toBeGreaterThanOrEqual(1);
      expect(article.locationIds.length).toBeLessThanOrEqual(3);
      expect(article.sourceUrl).toBe(`https://example.org/news/${article.slug}`);
      if (article.publishedAt) {
        expect(article.publishedAt.getTime()).toBeGreaterThanOrEqual(Date.UTC(2021, 10, 1));
        expect(article.publishedAt.getTime()).toBeLessThan(Date.UTC(2026, 10, 1));
      }
    }
    // A few are undated on purpose (they sort last); most carry the date checked above.
    expect(articles.filter((article) => article.publishedAt).length).toBeGreaterThan(ARTICLES / 2);
  });

  it('reuses stored places: the worked example\'s and its own on a second run', async () => {
    expect(placesAfterAgain).toBe(placesAfterFirst);
    const [pakistan, balochistan] = await store.locationsByIsoCodes(['PK', 'PK-BA']);
    expect(await store.countLocations({ parentId: null, nameContains: 'Pakistan' })).toBe(1);
    expect(await store.countLocations({ parentId: pakistan!.id, nameContains: 'Balochistan' })).toBe(1);
    // The worked example files Quetta under Quetta District; the gazetteer's Quetta is the same town.
    expect(await store.countLocations({ withinId: balochistan!.id, kind: 'LOCALITY', nameContains: 'Quetta' })).toBe(1);
  });

  it('rejects a count that is not a positive integer before writing anything', async () => {
    const before = await store.countArticles({});
    await expect(seedSynthetic(store, { articles: 0 })).rejects.toThrow(RangeError);
    await expect(seedSynthetic(store, { articles: 2.5 })).rejects.toThrow(RangeError);
    expect(await store.countArticles({})).toBe(before);
  });
});
