import DataLoader from 'dataloader';
import { isStoreFault } from './errors';
import type { ArticleBodyRecord, ArticleBundle, ArticleKey, AuthorRecord, BundleParts, CasualtyFigureRecord, LocationRecord } from './records';

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
  private readonly batches = new Map<string, DataLoader<string, ReadTogether>>();

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
        const together = new ReadTogether(await read([...new Set(batched)]), by);
        return batched.map(() => together);
      }, { cache: false, maxBatchSize: MAX_KEYS, batchScheduleFn: (dispatch) => setImmediate(dispatch) });
      this.batches.set(name, batch);
    }
    // A read the database refused for what another caller's keys hold (a slug it cannot take) is
    // read again for this caller's keys alone; a fault of the store is every caller's.
    return Promise.all(keys.map((key) => batch.load(key))).then((reads) => bundleOf(keys, parts, reads), (error: unknown) => {
      if (isStoreFault(error)) throw error;
      return read(keys);
    });
  }
}

type Article = ArticleBundle['articles'][number];

/** One statement's bundle for several callers, indexed (once, when a caller needs a part of it). */
class ReadTogether {
  private index?: {
    articles: Map<string, Article>;
    figures: Map<string, CasualtyFigureRecord[]>;
    authors: Map<string, AuthorRecord>;
    places: Map<string, LocationRecord>;
    bodies: Map<string, ArticleBodyRecord>;
  };

  constructor(readonly bundle: ArticleBundle, private readonly by: ArticleKey) {}

  /** Whether every article the bundle holds is one of `keys`': then the bundle is the whole answer of the caller with those keys. */
  holdsOnly(keys: ReadonlySet<string>): boolean {
    return this.bundle.articles.every((article) => keys.has(this.keyOf(article)));
  }

  get indexed() {
    if (this.index) return this.index;
    const figures = new Map<string, CasualtyFigureRecord[]>();
    for (const figure of this.bundle.figures) {
      const list = figures.get(figure.articleId);
      if (list) list.push(figure);
      else figures.set(figure.articleId, [figure]);
    }
    return this.index = {
      articles: new Map(this.bundle.articles.map((article) => [this.keyOf(article), article])),
      figures,
      authors: new Map(this.bundle.authors.map((author) => [author.id, author])),
      places: new Map(this.bundle.places.map((place) => [place.id, place])),
      bodies: new Map(this.bundle.bodies.map((body) => [body.id, body])),
    };
  }

  private keyOf(article: Article): string {
    return this.by === 'id' ? article.id : article.slug;
  }
}

/**
 * The part of the reads (one per key; several keys share one) that `keys` name: their articles,
 * their figures (in text order), and the authors, places and bodies those reference, each once.
 */
function bundleOf(keys: readonly string[], parts: BundleParts, reads: ReadTogether[]): ArticleBundle {
  // Read for these keys alone (the request's own loaders batched them, and no other request's joined in).
  if (reads.every((read) => read === reads[0]) && reads[0].holdsOnly(new Set(keys))) return reads[0].bundle;
  const bundle: ArticleBundle = { articles: [], authors: [], places: [], figures: [], bodies: [] };
  const seen = new Set<string>();
  const add = <T extends { id: string }>(kind: string, list: T[], record: T | undefined) => {
    if (record && !seen.has(`${kind}:${record.id}`)) {
      seen.add(`${kind}:${record.id}`);
      list.push(record);
    }
  };
  keys.forEach((key, i) => {
    const { articles, figures, authors, places, bodies } = reads[i].indexed;
    const article = articles.get(key);
    if (!article || seen.has(`article:${article.id}`)) return;
    add('article', bundle.articles, article);
    const own = figures.get(article.id) ?? [];
    bundle.figures.push(...own);
    for (const id of article.authorIds) add('author', bundle.authors, authors.get(id));
    if (parts.places) for (const id of article.locationIds) add('place', bundle.places, places.get(id));
    if (parts.figurePlaces) for (const { locationId } of own) if (locationId !== null) add('place', bundle.places, places.get(locationId));
    add('body', bundle.bodies, bodies.get(article.id));
  });
  return bundle;
}
