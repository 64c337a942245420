/**
 * The `feed` kind: an RSS 2.0 or Atom document at the source's `url`, parsed by feedsmith (which
 * keeps each format's own elements, so the mapping below reads them by their names and nothing is
 * filled in from elsewhere). A feed has no search and no paging of its own: each page fetches the
 * document (conditionally, with the validators the caller kept) and filters and pages its entries here.
 *
 * Each entry becomes an `ExternalItem`, every value cleaned through ./sanitize (RSS / Atom):
 * - `remoteId`: guid / id, else the entry's `url`;
 * - `headline`: title; `standfirst`: description / summary, else content; HTML stripped from both;
 * - `url`: link (else a permalink guid) / the alternate link, resolved against the feed's URL, http(s) only;
 * - `publishedAt`: pubDate / published, else updated; else dc:date; null when none (never guessed);
 * - `authorNames`: the authors' names and dc:creator (an RSS author's e-mail address is left out);
 * - `language`: the entry's xml:lang, else the channel's language / the feed's xml:lang;
 * - `tags`: categories (Atom: label, else term) and dc:subject;
 * - `placeHints`: categories whose domain / scheme names ISO 3166 (as codes; these are not tags),
 *   georss:featureName and dc:coverage, then the tags (the graph keeps those its gazetteer knows).
 * An entry without a headline or an http(s) URL is dropped, as is a second entry with the same remoteId.
 */
import { parseFeed, type AnyFeed, type AtomFeed, type DcNs, type RssFeed } from 'feedsmith';
import { fetchFromSource } from './http';
import { ITEM_LIMITS, dateOf, httpUrl, languageTag, plainText, textList } from './sanitize';
import type {
  ExternalItem, FeedSourceDefinition, RemotePage, RemotePageRequest, RemoteQuery, SourceAdapter, SourceInfo, Validators,
} from './source';

/** The most entries taken from one feed: the first ones in the document's order. */
export const MAX_FEED_ITEMS = 500;

/** An RSS or Atom category: `scheme` is RSS's domain; `label` what a reader sees (Atom: the label, else the term). */
interface Category {
  scheme?: string;
  term?: string;
  label?: string;
}

/** An item's place in the order pages are served in: newest first, undated last, then by remoteId. */
interface Position {
  publishedAt: number | null;
  remoteId: string;
}

export class FeedSource implements SourceAdapter {
  readonly info: SourceInfo;

  constructor(private readonly definition: FeedSourceDefinition) {
    const { id, name, kind, url, licence } = definition;
    this.info = { id, name, kind, url, licence };
  }

  /**
   * The page of the feed's matching items after `request.cursor`, newest first. The cursor is the
   * position (date and remoteId) of the last item served, so a page never repeats an item an earlier
   * page served, even when the feed gained entries in between; `next` is null after the last item.
   * `totalCount` is the number of matching items in the feed as fetched now. An abort rejects with
   * the signal's reason, as `fetch` does; every other failure with an Error naming the source.
   */
  async fetchPage(request: RemotePageRequest, signal: AbortSignal, validators?: Validators): Promise<RemotePage | 'not-modified'> {
    const after = request.cursor === null ? null : this.positionIn(request.cursor);
    const response = await this.fetchFeed(signal, validators);
    if (response === 'not-modified') return response;
    const matching = this.itemsIn(response.text).filter((item) => matches(item, request.query));
    const firstAfter = after === null ? 0 : matching.findIndex((item) => compare(positionOf(item), after) > 0);
    const start = firstAfter === -1 ? matching.length : firstAfter;
    const items = matching.slice(start, start + request.size);
    const last = items.at(-1);
    return {
      items,
      next: last !== undefined && start + items.length < matching.length ? cursorOf(positionOf(last)) : null,
      totalCount: matching.length,
      validators: given(response.validators),
    };
  }

  private async fetchFeed(signal: AbortSignal, validators: Validators | undefined) {
    try {
      return await fetchFromSource(this.definition.url, { signal, headers: this.definition.headers, validators });
    } catch (error) {
      if (signal.aborted) throw error;
      throw this.failure(`could not be read: ${reasonOf(error)}`, error);
    }
  }

  /** The feed's items, at most MAX_FEED_ITEMS of its entries, newest first; rejects what is not RSS or Atom. */
  private itemsIn(text: string): ExternalItem[] {
    let parsed: AnyFeed;
    try {
      parsed = parseFeed(text, { maxItems: MAX_FEED_ITEMS });
    } catch (error) {
      throw this.failure(`sent a document that is not an RSS or Atom feed (${(error as Error).message})`, error);
    }
    const base = this.definition.url;
    let entries: (ExternalItem | null)[];
    if (parsed.format === 'rss') {
      const { feed } = parsed;
      entries = (feed.items ?? []).map((item) => this.fromRss(item, languageTag(feed.language), base));
    } else if (parsed.format === 'atom') {
      const { feed } = parsed;
      entries = (feed.entries ?? []).map((entry) => this.fromAtom(entry, languageTag(feed.xml?.lang), base));
    } else {
      throw this.failure(`sent a ${parsed.format.toUpperCase()} feed; a feed source reads RSS 2.0 or Atom`);
    }
    const byId = new Map<string, ExternalItem>();
    for (const item of entries) if (item !== null && !byId.has(item.remoteId)) byId.set(item.remoteId, item);
    return [...byId.values()].sort((a, b) => compare(positionOf(a), positionOf(b)));
  }

  private fromRss(item: RssFeed.Item<string>, language: string | null, base: string): ExternalItem | null {
    const permalink = item.guid?.isPermaLink === false ? undefined : item.guid?.value;
    return this.item({
      id: item.guid?.value,
      headline: item.title,
      standfirst: item.description ?? item.content?.encoded,
      url: httpUrl(item.link, base) ?? httpUrl(permalink, base),
      publishedAt: dateOf(item.pubDate),
      authorNames: (item.authors ?? []).map((author) => author.name),
      language: languageTag(item.xml?.lang) ?? language,
      categories: (item.categories ?? []).map((category) => ({ scheme: category.domain, term: category.name, label: category.name })),
      placeName: item.georss?.featureName,
    }, item.dc);
  }

  private fromAtom(entry: AtomFeed.Entry<string>, language: string | null, base: string): ExternalItem | null {
    const link = entry.links?.find((candidate) => (candidate.rel ?? 'alternate') === 'alternate') ?? entry.links?.[0];
    return this.item({
      id: entry.id,
      headline: entry.title?.value,
      standfirst: entry.summary?.value ?? entry.content?.value,
      url: httpUrl(link?.href, base),
      publishedAt: dateOf(entry.published) ?? dateOf(entry.updated),
      authorNames: (entry.authors ?? []).map((author) => author.name),
      language: languageTag(entry.xml?.lang) ?? language,
      categories: (entry.categories ?? []).map((category) => ({ ...category, label: category.label ?? category.term })),
      placeName: entry.georss?.featureName,
    }, entry.dc);
  }

  /** The item both formats map to, once their elements are found; null when it has no headline or URL. */
  private item(found: {
    id: unknown; headline: unknown; standfirst: unknown; url: string | null; publishedAt: Date | null; authorNames: unknown[];
    language: string | null; categories: Category[]; placeName: unknown;
  }, dc: DcNs.ItemOrFeed<string> | undefined): ExternalItem | null {
    const headline = plainText(found.headline, ITEM_LIMITS.headline);
    if (headline === null || found.url === null) return null;
    const countries = found.categories.filter((category) => namesIso3166(category.scheme));
    const tags = textList([
      ...found.categories.filter((category) => !countries.includes(category)).map((category) => category.label),
      ...(dc?.subjects ?? []),
    ], ITEM_LIMITS.tag);
    return {
      sourceId: this.info.id,
      remoteId: plainText(found.id, ITEM_LIMITS.url) ?? found.url,
      headline,
      standfirst: plainText(found.standfirst, ITEM_LIMITS.standfirst),
      url: found.url,
      publishedAt: found.publishedAt ?? dateOf(dc?.dates?.[0]),
      authorNames: textList([...found.authorNames, ...(dc?.creators ?? [])], ITEM_LIMITS.name),
      language: found.language,
      tags,
      placeHints: textList([
        ...countries.map((category) => countryCode(category.term)), found.placeName, ...(dc?.coverage ?? []), ...tags,
      ], ITEM_LIMITS.name),
    };
  }

  /** The position a cursor of this adapter holds; rejects a cursor it did not give. */
  private positionIn(cursor: string): Position {
    try {
      const [publishedAt, remoteId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
      if ((publishedAt === null || Number.isFinite(publishedAt)) && typeof remoteId === 'string') {
        return { publishedAt: publishedAt as number | null, remoteId };
      }
    } catch {
      // falls through to the rejection below
    }
    throw this.failure(`was asked for a page after a cursor it did not give (${JSON.stringify(cursor.slice(0, 40))})`);
  }

  private failure(what: string, cause?: unknown): Error {
    return new Error(`feed source "${this.info.id}" ${what}`, { cause });
  }
}

/** `[publishedAt in epoch ms or null, remoteId]` as base64url JSON. */
function cursorOf(position: Position): string {
  return Buffer.from(JSON.stringify([position.publishedAt, position.remoteId])).toString('base64url');
}

function positionOf(item: ExternalItem): Position {
  return { publishedAt: item.publishedAt?.getTime() ?? null, remoteId: item.remoteId };
}

/** Negative when `a` is served before `b`: newest first, undated last, ties by remoteId. */
function compare(a: Position, b: Position): number {
  if (a.publishedAt !== b.publishedAt) {
    if (a.publishedAt === null) return 1;
    if (b.publishedAt === null) return -1;
    return b.publishedAt - a.publishedAt;
  }
  return a.remoteId < b.remoteId ? -1 : a.remoteId > b.remoteId ? 1 : 0;
}

/**
 * The query applied to a feed's items: every word of `search` in the headline or standfirst, `tag`
 * equal to one of the tags (both ignoring case), `publishedFrom` inclusive and `publishedTo` exclusive,
 * as for our own articles; an undated item never matches a date bound.
 */
function matches(item: ExternalItem, query: RemoteQuery): boolean {
  const published = item.publishedAt?.getTime();
  if (query.publishedFrom && (published === undefined || published < query.publishedFrom.getTime())) return false;
  if (query.publishedTo && (published === undefined || published >= query.publishedTo.getTime())) return false;
  if (query.tag && !item.tags.some((tag) => tag.toLowerCase() === query.tag!.toLowerCase())) return false;
  const words = query.search?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
  const text = `${item.headline}\n${item.standfirst ?? ''}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

/** A category domain or scheme that says its terms are ISO 3166 codes (`iso3166`, `ISO 3166-1`, `urn:iso:std:iso:3166`, a URL naming it). */
export function namesIso3166(scheme: string | undefined): boolean {
  return scheme !== undefined && /iso[\s_:-]?3166/i.test(scheme);
}

/** An ISO 3166 code upper-cased (`ua` → `UA`, `gb-sct` → `GB-SCT`); anything else as given. */
function countryCode(term: string | undefined): string | undefined {
  return term !== undefined && /^[a-z]{2}(-[a-z0-9]{1,3})?$/i.test(term.trim()) ? term.trim().toUpperCase() : term;
}

/** An error's message, with the system's code when `fetch` hides it in the cause (`fetch failed (ECONNREFUSED)`). */
function reasonOf(error: unknown): string {
  const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
  return code ? `${(error as Error).message} (${code})` : (error as Error).message;
}

/** The validators a response gave, or undefined when it gave none. */
function given(validators: Validators): Validators | undefined {
  return validators.etag || validators.lastModified ? validators : undefined;
}
