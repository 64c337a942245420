/** `importExternalArticle`: a remote item copied into the store as a DRAFT, once per URL. */
import { createHash } from 'node:crypto';
import type { Context } from '../context';
import { slugOf } from '../domain/article-text';
import { createDraftOnce } from '../editorial/editorial';
import { LIMITS } from '../editorial/inputs';
import { NotFoundError, SourceUnavailableGatewayError } from '../errors';
import type { ArticleRecord } from '../store/records';
import type { ExternalItem, ServedPage } from '../sources/source';
import { SourceUnavailableError } from '../sources/errors';
import { REMOTE_PAGE_SIZE } from './merge';
import { parseExternalId } from './models';
import { placesOfHints } from './places';

/** How many of a source's newest pages are searched for the item to import. */
const IMPORT_PAGES = 10;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/**
 * The article imported from the remote item `id`: found among its source's newest pages (the
 * source's own order, no filter), copied as a DRAFT with the item's URL as `sourceUrl`; the same
 * article on every later call. NOT_FOUND when the id names no item there; SOURCE_UNAVAILABLE when
 * the source cannot be asked.
 */
export async function importExternalArticle(context: Context, actor: string, id: string): Promise<ArticleRecord> {
  const parsed = parseExternalId(id);
  if (!parsed || !context.sources?.list().some((source) => source.id === parsed.sourceId)) throw new NotFoundError('external article', id);
  const item = await findItem(context, parsed.sourceId, parsed.remoteId);
  if (!item) throw new NotFoundError('external article', id);
  const places = await placesOfHints(item.placeHints, context.loaders);
  return createDraftOnce(context.store, actor, {
    headline: item.headline.slice(0, LIMITS.headline),
    slug: importSlug(item),
    standfirst: item.standfirst?.slice(0, LIMITS.standfirst) ?? null,
    // The item carries no body: its standfirst (else headline) starts one for the editor.
    body: item.standfirst ?? item.headline,
    publishedAt: item.publishedAt,
    sourceUrl: item.url,
    language: item.language && LANGUAGE.test(item.language) ? item.language : null,
    tags: storableTags(item.tags),
    locationIds: places.slice(0, LIMITS.locations).map((place) => place.id),
  });
}

async function findItem(context: Context, sourceId: string, remoteId: string): Promise<ExternalItem | undefined> {
  let cursor: string | null = null;
  for (let page = 0; page < IMPORT_PAGES; page++) {
    const served: ServedPage = await context.sources!.page(sourceId, { query: {}, cursor, size: REMOTE_PAGE_SIZE }).catch((error: unknown) => {
      throw error instanceof SourceUnavailableError ? new SourceUnavailableGatewayError(sourceId, error.reason, error) : error;
    });
    const item = served.page.items.find((candidate) => candidate.remoteId === remoteId);
    if (item) return item;
    if (served.page.next === null) return undefined;
    cursor = served.page.next;
  }
  return undefined;
}

/** The headline's slug, made unique to the URL, so two sources' equal headlines never collide. */
function importSlug(item: ExternalItem): string {
  const suffix = createHash('sha256').update(item.url).digest('hex').slice(0, 8);
  return `${slugOf(item.headline).slice(0, 100).replace(/-+$/, '') || 'article'}-${suffix}`;
}

/** The item's tags as the store keeps them (lower-case words joined by hyphens), each once, at most as many as it allows. */
function storableTags(tags: readonly string[]): string[] {
  const slugs = tags.map((tag) => slugOf(tag).slice(0, LIMITS.tag).replace(/-+$/, '')).filter((tag) => tag !== '');
  return [...new Set(slugs)].slice(0, LIMITS.tags);
}
