/**
 * What `npm run ingest` reads: files, directories and feeds on disk, turned into the pages
 * `ingestPage` takes, without touching the store.
 *
 * - `.html` / `.htm`: one HTML page; `.txt`: one plain-text scrape;
 * - a feed (RSS 2.0 or Atom, recognised by its root element whatever the file's extension): one page
 *   per entry, in the document's order;
 * - a directory: its `.html`, `.htm`, `.txt`, `.xml`, `.rss` and `.atom` files, recursively, sorted by
 *   path; hidden files and folders (a leading dot) are skipped.
 *
 * A page file is known (its `sourceUrl`) by the address its HTML states (`canonicalUrlOf`), else by
 * its `file:` URL; a feed entry by its link.
 *
 * A path that cannot be read, a file that is neither page nor feed, a broken feed and an entry that
 * cannot become a page are items with an `error`, so one bad file never stops the others.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseFeed, type AtomFeed, type DcNs, type RssFeed } from 'feedsmith';
import { namesIso3166 } from '../sources/feed';
import { ITEM_LIMITS, dateOf, httpUrl, languageTag, plainText, textList } from '../sources/sanitize';
import type { PageInput } from './ingest';
import { canonicalUrlOf } from './metadata';

/**
 * One page to ingest, or why a path or a feed entry could not become one. `origin` says where it
 * came from, for a person: the path as given, or `feed.xml (item 3)` for a feed's third entry.
 */
export type IngestItem =
  | { origin: string; input: PageInput; error?: undefined }
  | { origin: string; input?: undefined; error: Error };

/** The extensions a directory's files are read for; any file named on its own is read whatever its extension. */
const INGESTED_EXTENSIONS = new Set(['.html', '.htm', '.txt', '.xml', '.rss', '.atom']);

/**
 * A document whose root element is `rss` or `feed` (after an XML declaration, comments, processing
 * instructions and a doctype). An HTML page that merely mentions `<rss>` is not one.
 */
const FEED_ROOT = /^\uFEFF?\s*(?:(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*<(?:[\w.-]+:)?(?:rss|feed)[\s>/]/i;

/** How `readInputs` names pages: the source to record, and the address of pages that state none. */
export interface InputOptions {
  sourceId?: string | null;
  /**
   * The public address of the files: a page file that states no canonical URL is known as its path
   * (relative to the directory named, or its file name) below this URL. Without it, as its `file:` URL.
   */
  baseUrl?: string | null;
}

/**
 * The items of `paths`, each path expanded in the order given (a directory into its files, a feed
 * into its entries). `sourceId` is set on every page. Never throws: what cannot be read is an item
 * with an `error`.
 */
export function readInputs(paths: string[], { sourceId = null, baseUrl = null }: InputOptions = {}): IngestItem[] {
  const items: IngestItem[] = [];
  for (const path of paths) {
    let files: string[];
    let root: string;
    try {
      const isDirectory = statSync(path).isDirectory();
      files = isDirectory ? filesIn(path) : [path];
      root = isDirectory ? path : dirname(path);
    } catch (error) {
      items.push({ origin: path, error: error as Error });
      continue;
    }
    for (const file of files) {
      const address = baseUrl ? new URL(relative(root, file).split(sep).map(encodeURIComponent).join('/'), baseUrl).href
        : pathToFileURL(resolve(file)).href;
      items.push(...itemsOfFile(file, address, sourceId));
    }
  }
  return items;
}

/** The files under `dir` ingestion reads, recursively, sorted by path; hidden entries and other extensions left out. */
function filesIn(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesIn(path));
    else if (INGESTED_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files.sort();
}

/** The items of one file: a feed's entries, or the page the file holds. */
function itemsOfFile(file: string, fileUrl: string, sourceId: string | null): IngestItem[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    return [{ origin: file, error: error as Error }];
  }
  if (FEED_ROOT.test(content)) return feedItems(file, content, sourceId);
  const extension = extname(file).toLowerCase();
  if (extension === '.html' || extension === '.htm') {
    return [{ origin: file, input: { html: content, sourceUrl: canonicalUrlOf(content) ?? fileUrl, sourceId } }];
  }
  if (extension === '.txt') return [{ origin: file, input: { text: content, sourceUrl: fileUrl, sourceId } }];
  return [{ origin: file, error: new Error('is neither a page (.html, .htm, .txt) nor an RSS 2.0 or Atom feed') }];
}

/** The entries of a feed file, or one error item when it is not an RSS 2.0 or Atom feed feedsmith can read. */
function feedItems(file: string, content: string, sourceId: string | null): IngestItem[] {
  let entries: (PageInput | Error)[];
  try {
    const parsed = parseFeed(content);
    if (parsed.format === 'rss') {
      const { feed } = parsed;
      const base = httpUrl(feed.link) ?? undefined;
      entries = (feed.items ?? []).map((item) => fromRss(item, languageTag(feed.language), base));
    } else if (parsed.format === 'atom') {
      const { feed } = parsed;
      const base = httpUrl(alternateLink(feed.links)) ?? undefined;
      entries = (feed.entries ?? []).map((entry) => fromAtom(entry, languageTag(feed.xml?.lang), base));
    } else {
      throw new Error(`is a ${parsed.format.toUpperCase()} feed; ingestion reads RSS 2.0 and Atom`);
    }
  } catch (error) {
    return [{ origin: file, error: new Error(`is not a readable feed: ${(error as Error).message}`, { cause: error }) }];
  }
  return entries.map((entry, i) => {
    const origin = `${file} (item ${i + 1})`;
    return entry instanceof Error ? { origin, error: entry } : { origin, input: { ...entry, sourceId } };
  });
}

/** An RSS item as a page: content:encoded, else description (HTML); link, else a permalink guid. */
function fromRss(item: RssFeed.Item<string>, language: string | null, base: string | undefined): PageInput | Error {
  const permalink = item.guid?.isPermaLink === false ? undefined : item.guid?.value;
  return pageOf({
    html: present(item.content?.encoded) ?? present(item.description),
    url: httpUrl(item.link, base) ?? httpUrl(permalink, base),
    headline: item.title,
    publishedAt: dateOf(item.pubDate),
    authors: (item.authors ?? []).map((author) => author.name),
    language: languageTag(item.xml?.lang) ?? language,
    categories: (item.categories ?? []).map((category) => ({ scheme: category.domain, label: category.name })),
  }, item.dc);
}

/** An Atom entry as a page: content, else summary (HTML or text by its type); the alternate link. */
function fromAtom(entry: AtomFeed.Entry<string>, language: string | null, base: string | undefined): PageInput | Error {
  const body = [entry.content, entry.summary].find((text) => present(text?.value) !== null && atomKind(text?.type) !== null);
  const kind = atomKind(body?.type);
  return pageOf({
    html: kind === 'html' ? body!.value! : null,
    text: kind === 'text' ? body!.value! : null,
    url: httpUrl(alternateLink(entry.links), base),
    headline: entry.title?.value,
    publishedAt: dateOf(entry.published) ?? dateOf(entry.updated),
    authors: (entry.authors ?? []).map((author) => author.name),
    language: languageTag(entry.xml?.lang) ?? language,
    categories: (entry.categories ?? []).map((category) => ({ scheme: category.scheme, label: category.label ?? category.term })),
  }, entry.dc);
}

/**
 * The page both formats map to once their elements are found, hints cleaned as a feed source cleans
 * them (categories naming ISO 3166 codes are not tags); an Error when the entry has no http(s) link
 * or no content.
 */
function pageOf(found: {
  html: string | null; text?: string | null; url: string | null; headline: unknown; publishedAt: Date | null;
  authors: unknown[]; language: string | null; categories: { scheme?: string; label?: string }[];
}, dc: DcNs.ItemOrFeed<string> | undefined): PageInput | Error {
  if (found.url === null) return new Error('has no http(s) link, which ingestion needs as the article\'s sourceUrl');
  if (found.html === null && !found.text) return new Error(`has no content (${found.url})`);
  const tags = found.categories.filter((category) => !namesIso3166(category.scheme)).map((category) => category.label);
  return {
    ...(found.html !== null ? { html: found.html } : { text: found.text }),
    sourceUrl: found.url,
    hints: {
      headline: plainText(found.headline, ITEM_LIMITS.headline),
      publishedAt: found.publishedAt ?? dateOf(dc?.dates?.[0]),
      authors: textList([...found.authors, ...(dc?.creators ?? [])], ITEM_LIMITS.name),
      language: found.language,
      tags: textList([...tags, ...(dc?.subjects ?? [])], ITEM_LIMITS.tag),
    },
  };
}

/** How an Atom text construct is read: `html` and `xhtml` as HTML, `text` (the default) as text; null for media types. */
function atomKind(type: string | undefined): 'html' | 'text' | null {
  if (type === undefined || type === 'text') return 'text';
  return type === 'html' || type === 'xhtml' ? 'html' : null;
}

/** The alternate link among Atom links (a link without rel is one), else the first. */
function alternateLink(links: { href?: string; rel?: string }[] | undefined): string | undefined {
  return (links?.find((link) => (link.rel ?? 'alternate') === 'alternate') ?? links?.[0])?.href;
}

/** `value` when it is a string with something besides white space; else null. */
function present(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
