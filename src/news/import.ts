/** `importExternalArticle`: a remote item ingested into the store as a DRAFT, once per URL. */
import type { Context } from '../context';
import { ingestPage } from '../ingest/ingest';
import { NotFoundError, SourceUnavailableGatewayError } from '../errors';
import type { ArticleRecord } from '../store/records';
import type { ExternalItem, ServedPage } from '../sources/source';
import { SourceUnavailableError } from '../sources/errors';
import { REMOTE_PAGE_SIZE } from './merge';
import { parseExternalId } from './models';
import { placesOfHints } from './places';

/** How many of a source's newest pages are searched for the item to import. */
const IMPORT_PAGES = 10;

/**
 * The article imported from the remote item `id`: found among its source's newest pages (the
 * source's own order, no filter), ingested (src/ingest/ingest.ts) as a DRAFT with the item's URL as
 * `sourceUrl` and its figures proposed for review; the same article on every later call, updated
 * when the item has changed. NOT_FOUND when the id names no item there; SOURCE_UNAVAILABLE when
 * the source cannot be asked.
 */
export async function importExternalArticle(context: Context, actor: string, id: string): Promise<ArticleRecord> {
  const parsed = parseExternalId(id);
  if (!parsed || !context.sources?.list().some((source) => source.id === parsed.sourceId)) throw new NotFoundError('external article', id);
  const item = await findItem(context, parsed.sourceId, parsed.remoteId);
  if (!item) throw new NotFoundError('external article', id);
  const places = await placesOfHints(item.placeHints, context.loaders);
  // The item carries no page, only its summary (else headline): ingested as the story, its figures proposed for review.
  const { article } = await ingestPage(context.store, actor, {
    story: item.standfirst ?? item.headline, sourceUrl: item.url, sourceId: item.sourceId,
    hints: {
      headline: item.headline, publishedAt: item.publishedAt, authors: item.authorNames, language: item.language,
      tags: item.tags, locationIds: places.map((place) => place.id),
    },
  });
  return article;
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
