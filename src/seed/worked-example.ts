import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  CLAIMANT_TYPES, GROUPS, LOCATION_KINDS, OUTCOMES, QUALIFIERS, VERIFICATIONS, boundsFor,
} from '../domain/casualty';
import { ALIAS_KINDS, MAX_PLACE_NAME_LENGTH } from '../domain/place-names';
import type { BulkLoader, ContentReader } from '../store/store';
import { joinParagraphs, sentenceContaining, slugOf, splitParagraphs } from '../domain/article-text';
import { cleanText } from '../ingest/clean';

const CONTENT_DIR = join(__dirname, 'content');

const Coding = z.object({
  source: z.string(),
  article: z.object({
    language: z.string(),
    publishedAt: z.iso.datetime({ offset: true }).nullable(),
    sourceUrl: z.url().nullable(),
    tags: z.array(z.string()),
    reportsOn: z.array(z.string()),
  }),
  places: z.array(z.object({
    name: z.string(),
    kind: z.enum(LOCATION_KINDS),
    isoCode: z.string().optional(),
    latitude: z.number().optional(),
    longitude: z.number().optional(),
    parent: z.string().optional(),
    aliases: z.array(z.object({ alias: z.string().min(1).max(MAX_PLACE_NAME_LENGTH), kind: z.enum(ALIAS_KINDS) })).optional(),
  })),
  figures: z.array(z.object({
    key: z.string(),
    wording: z.string(),
    outcome: z.enum(OUTCOMES),
    group: z.enum(GROUPS),
    qualifier: z.enum(QUALIFIERS),
    number: z.number().int().nonnegative().optional(),
    claimedBy: z.string().nullable(),
    claimantType: z.enum(CLAIMANT_TYPES),
    verification: z.enum(VERIFICATIONS),
    place: z.string(),
    partOf: z.string().optional(),
  })),
});

export type ArticleCoding = z.infer<typeof Coding>;

/**
 * Reads a scraped page and its editorial coding (`NAME.txt` and `NAME.coding.json`); the page is
 * cleaned as ingestion cleans it (src/ingest/clean.ts).
 */
export function readCodedArticle(name = 'seed-article', dir = CONTENT_DIR) {
  const coding = Coding.parse(JSON.parse(readFileSync(join(dir, `${name}.coding.json`), 'utf8')));
  const clean = cleanText(readFileSync(join(dir, coding.source), 'utf8'));
  if (!clean.headline) throw new Error(`${coding.source}: the page has no headline`);
  const page = { headline: clean.headline, bylines: clean.authors, paragraphs: splitParagraphs(clean.body) };
  return { coding, page };
}

/**
 * Loads a coded article into the store: its places (found or created) and their aliases, authors, the article and
 * its figures with bounds from the coding table and quotes taken verbatim from the body.
 * Throws, before writing anything, when a figure's wording is not in the body or a reference
 * (place, part) names nothing. Resolves to the article's id.
 */
export async function loadCodedArticle(store: BulkLoader & ContentReader, { coding, page } = readCodedArticle()): Promise<string> {
  const body = joinParagraphs(page.paragraphs);
  const figureKeys = new Set(coding.figures.map((figure) => figure.key));
  const placeNames = new Set(coding.places.map((place) => place.name));
  for (const name of [...coding.article.reportsOn, ...coding.figures.map((figure) => figure.place)]) {
    if (!placeNames.has(name)) throw new Error(`"${name}" is not among the coded places`);
  }
  const quotes = coding.figures.map((figure) => {
    const quote = sentenceContaining(body, figure.wording);
    if (!quote) throw new Error(`figure ${figure.key}: the wording "${figure.wording}" is not in the article body`);
    if (figure.partOf && !figureKeys.has(figure.partOf)) throw new Error(`figure ${figure.key}: partOf names no figure "${figure.partOf}"`);
    return quote;
  });

  const placeIds = new Map<string, string>();
  for (const place of coding.places) {
    const parentId = place.parent ? placeIds.get(place.parent) : null;
    if (parentId === undefined) throw new Error(`place ${place.name}: its parent "${place.parent}" is not listed before it`);
    const [id] = await store.upsertLocations([{
      parentId, name: place.name, kind: place.kind, isoCode: place.isoCode ?? null,
      latitude: place.latitude ?? null, longitude: place.longitude ?? null,
    }]);
    placeIds.set(place.name, id);
  }
  await store.insertLocationAliases(coding.places.flatMap((place) =>
    (place.aliases ?? []).map(({ alias, kind }) => ({ locationId: placeIds.get(place.name)!, alias, kind }))));
  const placeId = (name: string) => placeIds.get(name)!;

  const existing = await store.authorsBySlugs(page.bylines.map(slugOf));
  const missing = page.bylines.filter((_, i) => !existing[i]);
  const created = await store.insertAuthors(missing.map((name) => ({ slug: slugOf(name), name, bio: null })));
  const authorIds = page.bylines.map((_, i) => existing[i]?.id ?? created[missing.indexOf(page.bylines[i])]);

  const [articleId] = await store.insertArticles([{
    slug: slugOf(page.headline),
    headline: page.headline,
    standfirst: null,
    body,
    publishedAt: coding.article.publishedAt ? new Date(coding.article.publishedAt) : null,
    sourceUrl: coding.article.sourceUrl,
    language: coding.article.language,
    tags: coding.article.tags,
    authorIds,
    locationIds: coding.article.reportsOn.map(placeId),
  }]);

  const figureIds = await store.allocateIds('casualty_figures', coding.figures.length);
  const idOfKey = new Map(coding.figures.map((figure, i) => [figure.key, figureIds[i]]));
  await store.insertFigures(coding.figures.map((figure, i) => ({
    id: figureIds[i],
    articleId,
    position: i,
    outcome: figure.outcome,
    group: figure.group,
    ...boundsFor(figure.qualifier, figure.number),
    qualifier: figure.qualifier,
    claimedBy: figure.claimedBy,
    claimantType: figure.claimantType,
    verification: figure.verification,
    quote: quotes[i],
    locationId: placeId(figure.place),
    periodStart: null,
    periodEnd: null,
    partOfId: figure.partOf ? idOfKey.get(figure.partOf)! : null,
  })));
  return articleId;
}
