import DataLoader from 'dataloader';
import { isStoreFault } from './errors';
import type { ArticleBundle, ArticleKey, BundleParts } from './records';

/** The most keys one statement reads for concurrent requests; more wait for the next. */
const MAX_KEYS = 500;

/**
 * Article bundles that concurrent requests ask for in the same turn of the event loop, read by one
 * statement. A request's loaders batch its own keys (src/loaders.ts); under load, many requests, each
 * asking for an article by slug, reach the store within one turn, and each would otherwise cost a
 * round-trip of its own: a write and a read on the database's socket, and the database's parse and
 * execution, which for one article is most of an uncached answer's cost. Reads wait for the end of
 * the turn they were asked in (`setImmediate`, after the I/O of that turn), then every key asked for
 * by then under one statement goes in one read, and each caller gets the part of the bundle its keys
 * name: exactly what a read of its keys alone returns.
 *
 * Nothing is remembered between reads (unlike a request's loaders, which hold what they read: a
 * memo shared between users would leak one user's view to another): each batch is one statement of
 * one kind, scope included, so callers of different scopes never share a read.
 */
export class BundleBatches {
  /** By statement: the key kind, the parts and the scope, which its name spells. */
  private readonly batches = new Map<string, DataLoader<string, ArticleBundle>>();

  /**
   * The bundle of `keys`, as `read` would return it for them alone, read together with the other
   * keys asked for under statement `name` in this turn. `read` must be the same for every call with
   * the same `name`. Only bundles that hold their articles are read together (without them, nothing
   * says which author or place belongs to which caller); others are read at once.
   */
  read(name: string, by: ArticleKey, keys: readonly string[], parts: BundleParts,
    read: (keys: readonly string[]) => Promise<ArticleBundle>): Promise<ArticleBundle> {
    if (!parts.articles || keys.length === 0) return read(keys);
    let batch = this.batches.get(name);
    if (!batch) {
      batch = new DataLoader(async (batched) => {
        const bundle = await read([...new Set(batched)]);
        return batched.map(() => bundle);
      }, { cache: false, maxBatchSize: MAX_KEYS, batchScheduleFn: (dispatch) => setImmediate(dispatch) });
      this.batches.set(name, batch);
    }
    // A read the database refused for what another caller's keys hold (a slug it cannot take) is
    // read again for this caller's keys alone; a fault of the store is every caller's.
    return Promise.all(keys.map((key) => batch.load(key))).then((bundles) => bundleOf(by, keys, parts, bundles), (error: unknown) => {
      if (isStoreFault(error)) throw error;
      return read(keys);
    });
  }
}

/** The part of `bundles` (one per key; several keys may share one) that `keys` name. */
function bundleOf(by: ArticleKey, keys: readonly string[], parts: BundleParts, bundles: ArticleBundle[]): ArticleBundle {
  const distinct = [...new Set(bundles)];
  const wanted = new Set(keys);
  const keyOf = by === 'id' ? (article: { id: string }) => article.id : (article: { slug: string }) => article.slug;
  // Read for these keys alone (a request's own loaders batched them, and no other request's joined in).
  if (distinct.length === 1 && distinct[0].articles.every((article) => wanted.has(keyOf(article)))) return distinct[0];
  const articles = uniqueById(distinct.flatMap((bundle) => bundle.articles).filter((article) => wanted.has(keyOf(article))));
  const articleIds = new Set(articles.map((article) => article.id));
  const figures = uniqueById(distinct.flatMap((bundle) => bundle.figures).filter((figure) => articleIds.has(figure.articleId)));
  const authorIds = new Set(articles.flatMap((article) => article.authorIds));
  const placeIds = new Set<string | null>([
    ...(parts.places ? articles.flatMap((article) => article.locationIds) : []),
    ...(parts.figurePlaces ? figures.map((figure) => figure.locationId) : []),
  ]);
  return {
    articles,
    authors: uniqueById(distinct.flatMap((bundle) => bundle.authors).filter((author) => authorIds.has(author.id))),
    places: uniqueById(distinct.flatMap((bundle) => bundle.places).filter((place) => placeIds.has(place.id))),
    figures,
    bodies: uniqueById(distinct.flatMap((bundle) => bundle.bodies).filter((body) => articleIds.has(body.id))),
  };
}

/** Each record once (the first), in order: several batches may hold the same author or place. */
function uniqueById<T extends { id: string }>(records: T[]): T[] {
  const seen = new Set<string>();
  return records.filter((record) => !seen.has(record.id) && (seen.add(record.id), true));
}
