/**
 * Ingestion of one page (issue 18): a raw page or feed item in, a DRAFT article out, with the
 * places it reports on and every casualty figure it states proposed for review. The steps are the
 * modules beside this one: cleaning (./clean), places (./places), figures (./extract). A page is
 * known by its `sourceUrl`: the same page again changes nothing (UNCHANGED); a changed page updates
 * the article, proposes the figures it newly states and withdraws the proposals it no longer makes.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { slugOf } from '../domain/article-text';
import { BadUserInputError } from '../errors';
import { checkProposals, storeProposals, toApiError, type Actor, type ProposedFigureFields } from '../editorial/editorial';
import { LANGUAGE_TAG, LIMITS, SOURCE_URL, canonicalBody, check, storableTags } from '../editorial/inputs';
import { linksTo } from '../editorial/figure-rules';
import type { ArticlePatch, ArticleRecord, CasualtyFigureRecord, NewArticle } from '../store/records';
import type { ContentReader, EditorialWrites, GazetteerReader, Writer } from '../store/store';
import { UniqueViolationError } from '../store/errors';
import { cleanHtml, cleanText, type CleanPage } from './clean';
import { languageOf } from './metadata';
import { extractFigures, type ExtractedFigure } from './extract';
import { withPeriod } from './periods';
import { findPlaces, loadGazetteer, type FoundPlaces } from './places';

/** The largest page accepted, in characters: far above any story, low enough to bound a request's memory. */
export const MAX_PAGE_CHARACTERS = 2_000_000;

/**
 * One page to ingest: exactly one of `html` (as fetched), `text` (a plain-text scrape, furniture and
 * all) and `story` (a story's text without furniture, such as a remote item's summary).
 */
export interface PageInput {
  html?: string | null;
  text?: string | null;
  story?: string | null;
  /** The page's address: its identity, so ingesting it again updates its article. */
  sourceUrl: string;
  /** Which source or feed it came from, as the caller names it. */
  sourceId?: string | null;
  /** What a feed or remote source says of the item: fills in what the page itself does not say. */
  hints?: PageHints;
}

export interface PageHints {
  headline?: string | null;
  publishedAt?: Date | null;
  authors?: readonly string[];
  language?: string | null;
  tags?: readonly string[];
  /** The places the source says the item is about, by id: the article's when its text names none. */
  locationIds?: readonly string[];
}

export type IngestOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED';

/** A place the page names that the gazetteer lacks, below a known one: for an editor to accept or not. */
export interface IngestedPlaceProposal {
  name: string;
  parentId: string;
  kind: 'ADMIN2' | 'LOCALITY';
  /** The sentence of the body that names it. */
  sentence: string;
}

export interface IngestResult {
  outcome: IngestOutcome;
  article: ArticleRecord;
  /** Figures this ingestion proposed (PENDING), in text order. */
  proposed: CasualtyFigureRecord[];
  /** Pending proposals retracted because the changed page no longer states them (as proposed). */
  withdrawn: CasualtyFigureRecord[];
  placeProposals: IngestedPlaceProposal[];
  /** Page furniture dropped by cleaning. */
  removed: string[];
}

const PageShape = z.object({
  html: z.string().max(MAX_PAGE_CHARACTERS, `must be at most ${MAX_PAGE_CHARACTERS} characters`).nullish(),
  text: z.string().max(MAX_PAGE_CHARACTERS, `must be at most ${MAX_PAGE_CHARACTERS} characters`).nullish(),
  story: z.string().max(LIMITS.body, `must be at most ${LIMITS.body} characters`).nullish(),
  sourceUrl: SOURCE_URL,
  sourceId: z.string().trim().min(1, 'must not be blank').max(200, 'must be at most 200 characters').nullish(),
});

/** The same, with a `file:` sourceUrl allowed (`IngestOptions.fileUrls`). */
const LocalPageShape = PageShape.extend({
  sourceUrl: z.url({ protocol: /^(?:https?|file)$/, error: 'must be an http, https or file URL' })
    .max(LIMITS.url, `must be at most ${LIMITS.url} characters`),
});

/** What a trusted local caller may ask beyond what the graph's clients may. */
export interface IngestOptions {
  /**
   * Accept a `file:` sourceUrl: a page read from disk that states no address of its own
   * (`npm run ingest`). Off for the graph's clients, whose pages have an http(s) address.
   */
  fileUrls?: boolean;
}

/** The article a page makes, before it is stored: its fields, and the digest that tells a changed page from the same one. */
interface ReadPage {
  clean: CleanPage;
  fields: Omit<NewArticle, 'slug' | 'sourceUrl' | 'authorIds' | 'standfirst'> & { authors: string[] };
  digest: string;
}

/**
 * Ingests one page for `actor` (see the module's comment). BAD_USER_INPUT when the input is
 * malformed (a sourceUrl not on http(s), unless `options.fileUrls` allows `file:`) or the page holds
 * no story; nothing is stored then, and a failure mid-way stores nothing either (one transaction).
 */
export async function ingestPage(store: EditorialWrites & ContentReader & GazetteerReader, actor: Actor, input: PageInput,
  options: IngestOptions = {}): Promise<IngestResult> {
  const { html, text, story, sourceUrl, sourceId } = check(options.fileUrls ? LocalPageShape : PageShape, input, 'input');
  if ([html, text, story].filter((given) => given != null).length !== 1) {
    throw new BadUserInputError('input', 'give the page as exactly one of `html` (as fetched) and `text` (a plain-text scrape)');
  }
  const [field, given] = html != null ? ['html', html] : text != null ? ['text', text] : ['story', story!];
  if (!given.trim()) throw new BadUserInputError(`input.${field}`, 'is empty: give the page\'s content');
  const clean = html != null ? cleanHtml(html, { url: sourceUrl }) : text != null ? cleanText(text) : storyPage(story!);
  const page = readPage(clean, input.hints ?? {});
  const gazetteer = await loadGazetteer(store);
  const places = findPlaces(page.fields.body, gazetteer);
  const figures = extractFigures(page.fields.body, {
    placeOf: placeOfSentence(page.fields.body, places),
    placeWithin: (inner, outer) => inner !== outer && gazetteer.lineage(inner).includes(outer),
  }).map((figure) => withPeriod(figure, page.fields.publishedAt));
  const known = await store.authorsBySlugs(page.fields.authors.map(slugOf));
  const attempt = () => store.write(actor, (w) => storePage(w, { page, places, figures, sourceUrl, sourceId: sourceId ?? null, known }));
  try {
    // Two ingestions creating the same author or article at once: the second finds what the first stored.
    const { value } = await attempt().catch((error: unknown) => (error instanceof UniqueViolationError ? attempt() : Promise.reject(error)));
    return { ...value, placeProposals: placeProposalsOf(page.fields.body, places), removed: page.clean.removed };
  } catch (error) {
    throw toApiError(error);
  }
}

/** A story's text as it came, already without furniture: nothing is dropped, and its language is detected. */
function storyPage(story: string): CleanPage {
  const body = canonicalBody(story);
  return { headline: null, authors: [], publishedAt: null, language: languageOf(null, body), body, removed: [] };
}

/** The page as an article's fields; what the page does not say comes from the hints. */
function readPage(clean: CleanPage, hints: PageHints): ReadPage {
  const body = canonicalBody(clean.body).slice(0, LIMITS.body);
  if (!body.trim()) throw new BadUserInputError('input', 'the page holds no story text once its furniture is removed; check that it is an article');
  const headline = (clean.headline ?? hints.headline?.trim() ?? firstSentence(body)).slice(0, LIMITS.headline);
  const authors = (clean.authors.length > 0 ? clean.authors : [...(hints.authors ?? [])])
    .map((name) => name.trim().slice(0, LIMITS.name)).filter((name) => slugOf(name) !== '').slice(0, LIMITS.authors);
  const language = clean.language ?? (hints.language && LANGUAGE_TAG.test(hints.language) ? hints.language : null) ?? 'und';
  const fields = {
    headline, body, publishedAt: clean.publishedAt ?? hints.publishedAt ?? null, language, authors,
    tags: storableTags(hints.tags ?? []), locationIds: [...(hints.locationIds ?? [])],
  };
  const digest = createHash('sha256').update(JSON.stringify({ ...fields, publishedAt: fields.publishedAt?.toISOString() ?? null })).digest('hex');
  return { clean, fields, digest };
}


/** A headline for a page that states none: its first sentence, cut at a word. The editor will want a better one. */
function firstSentence(body: string): string {
  const sentence = body.split(/(?<=[.!?])\s/)[0];
  return sentence.length <= 120 ? sentence : `${sentence.slice(0, 120).replace(/\s+\S*$/, '')}…`;
}

/** The place of the sentence the extractor quotes: the places module's reading of that sentence of the body. */
function placeOfSentence(body: string, places: FoundPlaces): (sentence: string) => string | null {
  const spans = places.sentences.map(({ start, end }, index) => ({ text: body.slice(start, end), place: places.sentencePlaces[index] }));
  // The extractor leaves out a dateline ("QUETTA, Pakistan — ") before it asks, so the sentence may be a span's end;
  // and it does not end a sentence at "Col." or "U.N.", so its sentence may hold several spans: the first that names a place.
  return (sentence) => (spans.find((span) => span.text === sentence) ?? spans.find((span) => span.text.endsWith(sentence))
    ?? spans.find((span) => span.place !== null && sentence.includes(span.text)))?.place ?? null;
}

function placeProposalsOf(body: string, places: FoundPlaces): IngestedPlaceProposal[] {
  return places.proposals.map(({ name, parentId, kind, sentenceIndex }) => {
    const { start, end } = places.sentences[sentenceIndex];
    return { name, parentId, kind, sentence: body.slice(start, end) };
  });
}

/** A figure extraction proposes, with the period its sentence gives (./periods). */
type DatedFigure = ExtractedFigure & { periodStart: Date | null; periodEnd: Date | null };

interface StoreRequest {
  page: ReadPage;
  places: FoundPlaces;
  figures: DatedFigure[];
  sourceUrl: string;
  sourceId: string | null;
  known: readonly ({ id: string } | null)[];
}

/** The write of one ingestion, in one transaction. */
async function storePage(w: Writer, { page, places, figures, sourceUrl, sourceId, known }: StoreRequest) {
  const { fields } = page;
  const slug = slugOf(fields.headline).slice(0, LIMITS.slug).replace(/-+$/, '') || 'article';
  const found = await w.articleBySourceUrlOrSlug(sourceUrl, slug);
  const existing = found?.sourceUrl === sourceUrl ? found : null;
  const last = existing && await w.ingestedPage(existing.id);
  if (existing && last?.digest === page.digest) {
    return { outcome: 'UNCHANGED' as const, article: existing, proposed: [], withdrawn: [] };
  }
  const authorIds = await Promise.all(fields.authors.map(async (name, i) =>
    known[i]?.id ?? (await w.createAuthor({ name, slug: slugOf(name), bio: null })).id));
  const locationIds = (places.reportsOn.length > 0 ? places.reportsOn : fields.locationIds).slice(0, LIMITS.locations);
  let article: ArticleRecord;
  if (existing) {
    // What the page no longer says (a date, its authors, its places) is left as the editor has it.
    const patch: ArticlePatch = { headline: fields.headline, body: fields.body, language: fields.language };
    if (fields.publishedAt) patch.publishedAt = fields.publishedAt;
    if (authorIds.length > 0) patch.authorIds = authorIds;
    if (locationIds.length > 0) patch.locationIds = locationIds;
    article = await w.updateArticle(existing.id, existing.version, patch);
  } else {
    const free = !found;
    article = await w.createArticle({
      ...fields, slug: free ? slug : slugForUrl(slug, sourceUrl), standfirst: null, sourceUrl, authorIds, locationIds, status: 'DRAFT',
    });
  }
  const { proposed, withdrawn } = await syncProposals(w, article.id, figures);
  await w.recordIngestedPage({ articleId: article.id, sourceId, digest: page.digest });
  return { outcome: existing ? 'UPDATED' as const : 'CREATED' as const, article: (await w.articleById(article.id))!, proposed, withdrawn };
}

/** A slug taken by another article, made unique to the page's URL. */
function slugForUrl(slug: string, sourceUrl: string): string {
  const suffix = createHash('sha256').update(sourceUrl).digest('hex').slice(0, 8);
  return `${slug.slice(0, LIMITS.slug - 9).replace(/-+$/, '')}-${suffix}`;
}

/** Figures of the article ingestion proposed, with the import key that says which sentence, wording and coding each was. */
type StoredFigure = CasualtyFigureRecord & { importKey: string | null };

const LINKS = [['partOf', 'partOfId'], ['restates', 'restatesId'], ['supersedes', 'supersedesId']] as const;

/**
 * The article's proposals brought in line with what the page states now. Each figure found is
 * known by a key made of its sentence and wording (`textKey`) and of its coding:
 * - one an editor has reviewed (accepted, edited or rejected) with the same text key is settled:
 *   not proposed again; so is one an editor coded by hand with the same sentence, outcome and number;
 * - a pending proposal with the same key and the same links stays as it is;
 * - the rest are proposed, and pending proposals that are not kept are withdrawn (rejected), so
 *   that the editor's queue always says what the page says now.
 */
async function syncProposals(w: Writer, articleId: string, figures: DatedFigure[]) {
  const keys = figureKeys(figures);
  const current = await w.figuresOfArticle(articleId);
  const live = current.filter((f) => !f.retractedAt);
  const reviewed = live.filter((f) => f.origin === 'EXTRACTED' && f.reviewStatus !== 'PENDING');
  const pending = live.filter((f) => f.origin === 'EXTRACTED' && f.reviewStatus === 'PENDING');

  // What each figure found is now: settled (and, when accepted, the id links may name), kept, or to propose.
  const settled = new Map<string, string | null>();
  const kept = new Map<string, StoredFigure>();
  for (const figure of figures) {
    const { text, key } = keys.get(figure.key)!;
    const review = reviewed.find((f) => f.importKey !== null && textKeyOf(f.importKey) === text);
    const coded = review ? undefined : live.find((f) => f.origin !== 'EXTRACTED' && f.reviewStatus === 'ACCEPTED' && sameCount(f, figure));
    const same = pending.find((f) => f.importKey !== null && baseKeyOf(f.importKey) === key);
    if (review) settled.set(figure.key, review.reviewStatus === 'ACCEPTED' ? review.id : null);
    else if (coded) settled.set(figure.key, coded.id);
    else if (same) kept.set(figure.key, same);
  }
  // A kept proposal must link where the page now says: a proposal whose whole (or restated or revised figure) is re-proposed goes too.
  const idFor = (key: string | undefined) => (key === undefined ? null : settled.has(key) ? settled.get(key)! : kept.get(key)?.id);
  for (let changed = true; changed;) {
    changed = false;
    for (const [key, stored] of kept) {
      const figure = figures.find((f) => f.key === key)!;
      if (LINKS.some(([link, field]) => idFor(figure[link]) !== stored[field])) {
        kept.delete(key);
        changed = true;
      }
    }
  }
  const keptIds = new Set([...kept.values()].map((f) => f.id));
  const withdrawn = await withdraw(w, articleId, pending.filter((f) => !keptIds.has(f.id)));

  const fresh = figures.filter((figure) => !settled.has(figure.key) && !kept.has(figure.key));
  const existing = new Map<string, string>();
  for (const figure of figures) {
    const id = idFor(figure.key);
    if (id) existing.set(keys.get(figure.key)!.key, id);
  }
  // A figure withdrawn earlier keeps its key: a new proposal of the same takes the next free generation (`key~2`).
  const taken = new Set(current.map((f) => f.importKey));
  for (const figure of fresh) {
    const entry = keys.get(figure.key)!;
    for (let generation = 2; taken.has(entry.key); generation += 1) entry.key = `${baseKeyOf(entry.key)}~${generation}`;
    taken.add(entry.key);
  }
  const freshKeys = new Set(fresh.map((figure) => keys.get(figure.key)!.key));
  const link = (key: string | undefined) => {
    const stable = key === undefined ? undefined : keys.get(key)!.key;
    return stable !== undefined && (freshKeys.has(stable) || existing.has(stable)) ? stable : null;
  };
  const proposals: ProposedFigureFields[] = fresh.map((figure) => ({
    ...codingOf(figure), key: keys.get(figure.key)!.key,
    partOf: link(figure.partOf), restates: link(figure.restates), supersedes: link(figure.supersedes), confidence: figure.confidence,
  }));
  const proposed = await storeProposals(w, articleId, checkProposals(proposals, new Set(existing.keys())), existing);
  return { proposed, withdrawn };
}

/** A figure's fields as a proposal, links aside. */
function codingOf(figure: DatedFigure) {
  return {
    outcome: figure.outcome, group: figure.group, who: figure.who ?? null, qualifier: figure.qualifier,
    number: figure.number, numberHigh: figure.numberHigh, claimedBy: figure.claimedBy, claimantType: figure.claimantType,
    verification: figure.verification, quote: figure.sentence.slice(0, LIMITS.quote), locationId: figure.place,
    background: figure.background ?? false, periodStart: figure.periodStart, periodEnd: figure.periodEnd,
  };
}

/**
 * Retracts the proposals `gone` (pending ones the page no longer states), parts before the wholes
 * they link to, with a reason that says so; one a figure still standing links to stays pending.
 * Retracted, not rejected: a rejection is an editor's review, which a later ingestion respects.
 */
async function withdraw(w: Writer, articleId: string, gone: CasualtyFigureRecord[]): Promise<CasualtyFigureRecord[]> {
  const withdrawn: CasualtyFigureRecord[] = [];
  let waiting = gone;
  for (let progress = true; progress && waiting.length > 0;) {
    const figures = await w.figuresOfArticle(articleId);
    const ready = waiting.filter((f) => Object.values(linksTo(f.id, figures)).every((linking) => linking.length === 0));
    for (const figure of ready) {
      withdrawn.push(await w.updateFigure(figure.id, figure.version, { retractedAt: new Date(), retractionReason: WITHDRAWN }, 'RETRACT'));
    }
    waiting = waiting.filter((f) => !ready.includes(f));
    progress = ready.length > 0;
  }
  return withdrawn;
}

const WITHDRAWN = 'withdrawn by ingestion: the page no longer states this figure as proposed';

/**
 * Each figure's keys: `text`, a digest of its sentence and wording (and which such occurrence it
 * is), stable while the page says the same; `key`, the import key stored with it: `text` and a
 * digest of its coding, so a proposal is kept only while the extractor still codes it the same.
 */
function figureKeys(figures: DatedFigure[]): Map<string, { text: string; key: string }> {
  const seen = new Map<string, number>();
  const digest = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);
  return new Map(figures.map((figure) => {
    const said = `${figure.sentence}\n${figure.wording}`;
    const occurrence = seen.get(said) ?? 0;
    seen.set(said, occurrence + 1);
    const text = `x:${digest(`${said}\n${occurrence}`)}`;
    return [figure.key, { text, key: `${text}.${digest(JSON.stringify(codingOf(figure)))}` }];
  }));
}

/** The text key part of an import key ingestion stored (see `figureKeys`). */
function textKeyOf(importKey: string): string {
  return importKey.split('.')[0];
}

/** An import key without its generation (`~2`). */
function baseKeyOf(importKey: string): string {
  return importKey.split('~')[0];
}

/** Whether an editor's figure counts what the extractor found: the same sentence, outcome and number. */
function sameCount(coded: CasualtyFigureRecord, figure: DatedFigure): boolean {
  return coded.quote.trim() === figure.sentence && coded.outcome === figure.outcome
    && (coded.best ?? coded.low) === (figure.number ?? null);
}
