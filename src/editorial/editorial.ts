/**
 * Every editorial write, from a mutation or the import (API and CLI): inputs checked against the
 * domain's rules, written in one transaction, the store's refusals turned into the API's coded
 * errors. Past 300 lines on purpose: the import shares the mutations' checks (`newArticle`,
 * `newFigure`, `toApiError`), so it accepts exactly what they accept.
 */
import { GraphQLError } from 'graphql';
import { slugOf } from '../domain/article-text';
import { LOCATION_KINDS, type Qualifier } from '../domain/casualty';
import {
  BadUserInputError, ConflictError, FiguresPendingReviewError, NotFoundError, StoreFaultError, type Violation,
} from '../errors';
import type { ImportOutcome, ReviewDecision } from '../generated/graphql';
import type { PlaceProposal } from '../ingest/places';
import * as StoreErrors from '../store/errors';
import type {
  ArticlePatch, ArticleRecord, ArticleStatus, AuthorPatch, AuthorRecord, CasualtyFigureRecord, FigurePatch, LocationAliasRecord,
  LocationRecord,
  NewCasualtyFigure,
} from '../store/records';
import type { ContentReader, EditorialWrites, Writer } from '../store/store';
import {
  linkViolations, linksTo, periodViolations, resolveBounds, reviewLinkViolations, setViolations, unrejectedLinksTo, type BoundsInput,
} from './figure-rules';
import {
  ArticleInput, AuthorInput, FigureInput, ImportRecord, LocationAliasInput, LocationInput, RetractionReason, canonicalBody, check, textViolations, violationsOf,
} from './inputs';

/** Who writes: recorded in every revision (an API key's name and id, or the import CLI). */
export type Actor = string;

const ENTITY_NAMES: Record<StoreErrors.StoreEntity, string> = {
  author: 'author', location: 'location', locationAlias: 'place alias', article: 'article', casualtyFigure: 'casualty figure',
};

/** The store's refusals as the API's coded errors; other errors pass unchanged. */
export function toApiError(error: unknown, argument = 'input'): unknown {
  if (error instanceof StoreErrors.NotFoundError) return new NotFoundError(ENTITY_NAMES[error.entity], error.id);
  if (error instanceof StoreErrors.VersionConflictError) {
    return new ConflictError(`${ENTITY_NAMES[error.entity]} ${error.id} is at version ${error.actual}, not ${error.expected}: ` +
      'someone else changed it since you read it. Read it again, re-apply your change and send the new version.', error.actual);
  }
  if (error instanceof StoreErrors.InUseError) return new BadUserInputError('id', error.message.replace(/^\S+ \S+ is/, 'is'));
  const field = (name: string) => (argument ? `${argument}.${name}` : name);
  if (error instanceof StoreErrors.UniqueViolationError) return new BadUserInputError(field(error.field), 'is already taken');
  if (error instanceof StoreErrors.MissingReferenceError) return new BadUserInputError(field(error.field), 'refers to something that does not exist');
  if (error instanceof StoreErrors.RuleViolationError) return new BadUserInputError(field(error.field), error.rule);
  if (StoreErrors.isStoreFault(error)) return new StoreFaultError(error);
  return error;
}

/** Runs `work` in one store transaction, with the store's refusals turned into API errors. */
async function write<T>(store: EditorialWrites, actor: Actor, work: (writer: Writer) => Promise<T>, argument?: string): Promise<T> {
  try {
    return (await store.write(actor, work)).value;
  } catch (error) {
    throw toApiError(error, argument);
  }
}

function refuse(violations: Violation[]): void {
  if (violations.length > 0) throw BadUserInputError.of(violations);
}

// ---- authors ------------------------------------------------------------------------------------

export interface AuthorFields { name?: string | null; slug?: string | null; bio?: string | null }

export function createAuthor(store: EditorialWrites, actor: Actor, input: AuthorFields): Promise<AuthorRecord> {
  const author = check(AuthorInput, input, 'input');
  return write(store, actor, (w) => w.createAuthor({ name: author.name, slug: author.slug ?? slugOf(author.name), bio: author.bio ?? null }));
}

export function updateAuthor(store: EditorialWrites, actor: Actor, id: string, input: AuthorFields): Promise<AuthorRecord> {
  refuse(clearedRequired(input, ['name', 'slug']));
  const patch = definedFields(check(AuthorInput, input, 'input', true)) as AuthorPatch;
  return write(store, actor, (w) => w.updateAuthor(id, patch));
}

export function deleteAuthor(store: EditorialWrites, actor: Actor, id: string): Promise<string> {
  return write(store, actor, async (w) => { await w.deleteAuthor(id); return id; });
}

// ---- places -------------------------------------------------------------------------------------

export interface LocationFields {
  name?: string | null; kind?: string | null; parentId?: string | null; isoCode?: string | null;
  latitude?: number | null; longitude?: number | null;
}

/** A COUNTRY has no parent; every other kind has a parent of a higher kind. */
async function kindViolations(store: ContentReader, kind: string, parentId: string | null): Promise<Violation[]> {
  if (kind === 'COUNTRY') return parentId ? [{ field: 'input.parentId', message: 'a COUNTRY has no parent' }] : [];
  if (!parentId) return [{ field: 'input.parentId', message: `a ${kind} needs a parent place` }];
  const [parent] = await store.scoped({ unpublished: true }).locationsByIds([parentId]);
  if (!parent) return [{ field: 'input.parentId', message: 'refers to no place' }];
  const rank = (k: string) => LOCATION_KINDS.indexOf(k as never);
  return rank(parent.kind) < rank(kind) ? []
    : [{ field: 'input.parentId', message: `a ${kind} cannot sit under a ${parent.kind}` }];
}

export async function createLocation(store: EditorialWrites & ContentReader, actor: Actor, input: LocationFields): Promise<LocationRecord> {
  const place = check(LocationInput, input, 'input');
  refuse(await kindViolations(store, place.kind, place.parentId ?? null));
  return write(store, actor, (w) => w.createLocation({
    name: place.name, kind: place.kind as LocationRecord['kind'], parentId: place.parentId ?? null,
    isoCode: place.isoCode ?? null, latitude: place.latitude ?? null, longitude: place.longitude ?? null,
  }));
}

export async function updateLocation(store: EditorialWrites & ContentReader, actor: Actor, id: string, input: LocationFields): Promise<LocationRecord> {
  refuse(clearedRequired(input, ['name', 'kind']));
  const patch = definedFields(check(LocationInput, input, 'input', true)) as Partial<LocationRecord>;
  if (patch.kind !== undefined || patch.parentId !== undefined) {
    const [current] = await store.locationsByIds([id]);
    if (!current) throw new NotFoundError('location', id);
    refuse(await kindViolations(store, patch.kind ?? current.kind, patch.parentId !== undefined ? patch.parentId : current.parentId));
  }
  return write(store, actor, (w) => w.updateLocation(id, patch));
}

export function deleteLocation(store: EditorialWrites, actor: Actor, id: string): Promise<string> {
  return write(store, actor, async (w) => { await w.deleteLocation(id); return id; });
}

export interface LocationAliasFields { alias?: string | null; kind?: string | null }

/**
 * Gives place `locationId` another name (a spelling, a former name, a short form) that ingestion
 * matches it by. BAD_USER_INPUT when the place has that alias already (compared lower-case, without
 * accents); NOT_FOUND when there is no such place (`locationId` is an argument of its own, not a
 * field of the input).
 */
export async function addLocationAlias(store: EditorialWrites, actor: Actor, locationId: string, input: LocationAliasFields): Promise<LocationAliasRecord> {
  const { alias, kind } = check(LocationAliasInput, input, 'input');
  return write(store, actor, (w) => w.addLocationAlias({ locationId, alias, kind }).catch((error: unknown) => {
    throw error instanceof StoreErrors.MissingReferenceError && error.field === 'locationId'
      ? new StoreErrors.NotFoundError('location', locationId) : error;
  }));
}

/** Takes `alias` (compared lower-case, without accents) from the place; NOT_FOUND when it has no such alias. */
export function removeLocationAlias(store: EditorialWrites, actor: Actor, locationId: string, alias: string): Promise<string> {
  return write(store, actor, async (w) => { await w.removeLocationAlias(locationId, alias); return locationId; });
}

/**
 * Accepts a place ingestion proposed (src/ingest/places.ts `PlaceProposal`): creates it under its
 * parent, by the same rules as `createLocation`. Ingestion never creates places itself.
 */
export function acceptPlaceProposal(store: EditorialWrites & ContentReader, actor: Actor,
  proposal: Pick<PlaceProposal, 'name' | 'parentId' | 'kind'>): Promise<LocationRecord> {
  return createLocation(store, actor, { name: proposal.name, kind: proposal.kind, parentId: proposal.parentId });
}

// ---- articles -----------------------------------------------------------------------------------

export interface ArticleFields {
  headline?: string | null; slug?: string | null; standfirst?: string | null; body?: string | null;
  publishedAt?: Date | null; sourceUrl?: string | null; language?: string | null; tags?: string[] | null;
  authorIds?: string[] | null; locationIds?: string[] | null; status?: ArticleStatus | null;
}

/** Checked, cleaned fields of a new article (slug from the headline, body in canonical form). */
function newArticle(input: ArticleFields, argument: string) {
  const a = check(ArticleInput, input, argument);
  return {
    headline: a.headline, slug: a.slug ?? slugOf(a.headline), standfirst: a.standfirst ?? null,
    body: canonicalBody(a.body), publishedAt: a.publishedAt ?? null, sourceUrl: a.sourceUrl ?? null,
    language: a.language ?? 'en', tags: a.tags ?? [], authorIds: a.authorIds ?? [], locationIds: a.locationIds ?? [],
    status: (a.status ?? 'DRAFT') as ArticleStatus,
  };
}

export function createArticle(store: EditorialWrites, actor: Actor, input: ArticleFields): Promise<ArticleRecord> {
  const article = newArticle(input, 'input');
  return write(store, actor, (w) => w.createArticle(article));
}

export function updateArticle(store: EditorialWrites, actor: Actor, id: string, version: number, input: ArticleFields): Promise<ArticleRecord> {
  refuse(clearedRequired(input, ['headline', 'slug', 'body', 'language', 'tags', 'authorIds', 'locationIds']));
  const patch = definedFields(check(ArticleInput, input, 'input', true)) as ArticlePatch;
  if (patch.body !== undefined) patch.body = canonicalBody(patch.body);
  return write(store, actor, (w) => w.updateArticle(id, version, patch));
}

/**
 * Publishes or unpublishes. Publishing an article without a date stamps it with the moment of
 * publication; publishing one with figures awaiting review is refused, naming them.
 */
export function setArticleStatus(store: EditorialWrites, actor: Actor, id: string, version: number, status: 'PUBLISHED' | 'UNPUBLISHED'): Promise<ArticleRecord> {
  return write(store, actor, async (w) => {
    const current = await w.articleById(id, { lock: true });
    if (status === 'PUBLISHED' && current) {
      // Locks the article's figures too: none can be proposed between this check and the publication.
      const pending = (await w.figuresOfArticle(id)).filter((f) => f.reviewStatus === 'PENDING' && !f.retractedAt);
      if (pending.length > 0) throw new FiguresPendingReviewError(id, pending.map((f) => f.id));
    }
    const patch: ArticlePatch = { status };
    if (status === 'PUBLISHED' && current && current.publishedAt === null) patch.publishedAt = new Date();
    return w.updateArticle(id, version, patch, status === 'PUBLISHED' ? 'PUBLISH' : 'UNPUBLISH');
  });
}

// ---- figures ------------------------------------------------------------------------------------

export interface FigureFields extends BoundsInput {
  outcome?: string | null; group?: string | null; qualifier?: string | null; claimedBy?: string | null;
  claimantType?: string | null; verification?: string | null; quote?: string | null; locationId?: string | null;
  periodStart?: Date | null; periodEnd?: Date | null; partOfId?: string | null;
  restatesId?: string | null; supersedesId?: string | null; who?: string | null; background?: boolean | null;
}

/** A new figure's fields, checked, with bounds from the coding table or as given. */
function newFigure(articleId: string, input: FigureFields, prefix: string): { figure: NewCasualtyFigure; violations: Violation[] } {
  const parsed = FigureInput.safeParse(input);
  const { bounds, violations } = resolveBounds(input.qualifier as Qualifier, input, prefix);
  violations.push(...periodViolations(input.periodStart, input.periodEnd, prefix));
  if (!parsed.success) violations.unshift(...violationsOf(parsed.error, prefix));
  return {
    violations,
    figure: {
      articleId, outcome: input.outcome as never, group: input.group as never, qualifier: input.qualifier as Qualifier,
      ...bounds, claimedBy: input.claimedBy?.trim() || null, claimantType: input.claimantType as never,
      verification: input.verification as never, quote: input.quote?.trim() ?? '', locationId: input.locationId ?? null,
      periodStart: input.periodStart ?? null, periodEnd: input.periodEnd ?? null, partOfId: input.partOfId ?? null,
      restatesId: input.restatesId ?? null, supersedesId: input.supersedesId ?? null, who: input.who?.trim() || null,
      background: input.background ?? false,
    },
  };
}

export function addFigure(store: EditorialWrites, actor: Actor, articleId: string, input: FigureFields): Promise<CasualtyFigureRecord> {
  const { figure, violations } = newFigure(articleId, input, 'input');
  refuse(violations);
  return write(store, actor, async (w) => {
    if (!(await w.articleById(articleId))) throw new StoreErrors.NotFoundError('article', articleId);
    const figures = await w.figuresOfArticle(articleId);
    const candidate = { ...figure, id: 'the new one', restatesId: figure.restatesId ?? null, supersedesId: figure.supersedesId ?? null, retractedAt: null };
    refuse([...linkViolations(candidate, [...figures, candidate], 'input', figures), ...reviewLinkViolations(candidate, figures, 'input')]);
    return w.createFigure(figure);
  });
}

export function updateFigure(store: EditorialWrites, actor: Actor, id: string, version: number, input: FigureFields): Promise<CasualtyFigureRecord> {
  const shape = FigureInput.partial().safeParse(input);
  if (!shape.success) refuse(violationsOf(shape.error, 'input'));
  return write(store, actor, async (w) => {
    const current = await figureAtVersion(w, id, version);
    const patch = figurePatch(current, input, 'input');
    const figures = await w.figuresOfArticle(current.articleId);
    const next = { ...current, ...patch };
    refuse([
      ...periodViolations(next.periodStart, next.periodEnd, 'input'),
      ...linkViolations(next, figures.map((f) => (f.id === id ? next : f)), 'input', figures),
      ...reviewLinkViolations(next, figures, 'input'),
    ]);
    return w.updateFigure(id, version, patch);
  });
}

/** Figure `id`, locked for this write, when it is still at `version`; NOT_FOUND or CONFLICT otherwise. */
async function figureAtVersion(w: Writer, id: string, version: number): Promise<CasualtyFigureRecord> {
  const current = await w.figureById(id, { lock: true });
  if (!current) throw new StoreErrors.NotFoundError('casualtyFigure', id);
  if (current.version !== version) throw new StoreErrors.VersionConflictError('casualtyFigure', id, version, current.version);
  return current;
}

/** The changes `input` (fields of `updateCasualtyFigure`, named under `prefix`) makes to `current`, checked. */
function figurePatch(current: CasualtyFigureRecord, input: FigureFields, prefix: string): FigurePatch {
  refuse(clearedRequired(input, ['outcome', 'group', 'qualifier', 'claimantType', 'verification', 'quote', 'background'], prefix));
  const { number, numberHigh, low, best, high, ...fields } = definedFields(input);
  const patch = fields as FigurePatch;
  if (patch.who !== undefined) patch.who = patch.who?.trim() || null;
  const qualifier = (patch.qualifier ?? current.qualifier) as Qualifier;
  const boundsGiven = number !== undefined || numberHigh !== undefined || low !== undefined || best !== undefined || high !== undefined;
  if (boundsGiven || patch.qualifier !== undefined) {
    const { bounds, violations } = resolveBounds(qualifier, number !== undefined || numberHigh !== undefined ? { number, numberHigh }
      : { low: low !== undefined ? low : current.low, best: best !== undefined ? best : current.best, high: high !== undefined ? high : current.high },
      prefix);
    refuse(violations);
    Object.assign(patch, bounds);
  }
  return patch;
}

// ---- review -------------------------------------------------------------------------------------

/** A figure ingestion proposes: fields and links by key as in an import, and the extractor's confidence. */
export interface ProposedFigureFields extends ImportFigureFields {
  /** How sure the extractor is, from 0 to 1. */
  confidence: number;
}

/**
 * Adds figures extracted from an article's text as proposals: origin EXTRACTED, with the
 * extractor's confidence, PENDING until an editor reviews each (`reviewFigure`). Until then they
 * are seen by editors only and counted nowhere, and the article cannot be published. Proposals
 * name each other by `key` (`partOf`, `restates`, `supersedes`), as an import does; they come
 * after the article's figures in text order, in the order given. One transaction: a proposal that
 * breaks a rule refuses them all (BAD_USER_INPUT, fields named `figures.<index>.<field>`).
 */
export async function proposeFigures(store: EditorialWrites, actor: Actor, articleId: string,
  proposals: readonly ProposedFigureFields[]): Promise<CasualtyFigureRecord[]> {
  const checked = checkProposals(proposals);
  return write(store, actor, async (w) => {
    if (!(await w.articleById(articleId, { lock: true }))) throw new StoreErrors.NotFoundError('article', articleId);
    return storeProposals(w, articleId, checked, new Map());
  }, '');
}

/** Proposals checked before any transaction (`storeProposals` writes them). */
export type CheckedProposals = ReturnType<typeof importFigures> & { confidences: number[] };

/**
 * Checks proposals as `proposeFigures` does; links may also name `known` keys (figures the article
 * already has). BAD_USER_INPUT, with every problem, when one breaks a rule.
 */
export function checkProposals(proposals: readonly ProposedFigureFields[], known: ReadonlySet<string> = new Set()): CheckedProposals {
  const checked = importFigures(proposals.map(({ confidence, ...fields }) => fields), known);
  proposals.forEach(({ confidence }, i) => {
    if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) {
      checked.violations.push({ field: `figures.${i}.confidence`, message: 'must be a number from 0 to 1' });
    }
  });
  refuse(checked.violations);
  return { ...checked, confidences: proposals.map((p) => p.confidence) };
}

/**
 * Inside a write on a locked article: stores checked proposals after its figures, PENDING, with
 * their keys as import keys; links name the new proposals' keys or `existing` ones (key → id).
 * Refuses them all when one breaks a link rule. Resolves to the stored figures in input order.
 */
export async function storeProposals(w: Writer, articleId: string, { figures, confidences }: CheckedProposals,
  existing: ReadonlyMap<string, string>): Promise<CasualtyFigureRecord[]> {
  const before = await w.figuresOfArticle(articleId);
  const idOfKey = new Map(existing);
  const created = new Map<number, CasualtyFigureRecord>();
  for (const { key, links, figure, index } of figures) {
    const ids = Object.fromEntries(IMPORT_LINKS.map(([name, field]) => [field, links[name] === null ? null : idOfKey.get(links[name]!)!]));
    const stored = await w.createFigure({
      ...figure, ...ids, articleId, position: before.length + index, importKey: key,
      origin: 'EXTRACTED', confidence: confidences[index], reviewStatus: 'PENDING',
    });
    idOfKey.set(key, stored.id);
    created.set(index, stored);
  }
  const after = await w.figuresOfArticle(articleId);
  refuse([...created].flatMap(([index, figure]) => linkViolations(after.find((f) => f.id === figure.id)!, after, `figures.${index}`, before)));
  return figures.map((_, index) => created.get(index)!);
}

/**
 * An editor's review of a proposed figure (PENDING, or REJECTED to reconsider): ACCEPT it as it
 * is, EDIT it with `edit` (the fields of `updateFigure`) and accept it, or REJECT it; one revision
 * (ACCEPT or REJECT) records it. An accepted figure links only to accepted ones, and a figure other
 * figures still link to (unless they are rejected) cannot be rejected: the coding stays whole.
 */
export function reviewFigure(store: EditorialWrites, actor: Actor, id: string, version: number, decision: ReviewDecision,
  edit?: FigureFields | null): Promise<CasualtyFigureRecord> {
  if (decision === 'EDIT' && !edit) refuse([{ field: 'edit', message: 'EDIT needs the fields to change in `edit`' }]);
  if (decision !== 'EDIT' && edit) refuse([{ field: 'edit', message: `only EDIT takes \`edit\`; send ${decision} without it` }]);
  if (edit) {
    const shape = FigureInput.partial().safeParse(edit);
    if (!shape.success) refuse(violationsOf(shape.error, 'edit'));
  }
  return write(store, actor, async (w) => {
    const current = await figureAtVersion(w, id, version);
    if (current.reviewStatus === 'ACCEPTED') {
      throw new BadUserInputError('id', `figure ${id} is already accepted (${current.origin.toLowerCase()}): change it with updateCasualtyFigure, or retract it`);
    }
    const figures = await w.figuresOfArticle(current.articleId);
    if (decision === 'REJECT') {
      const linking = unrejectedLinksTo(id, figures);
      if (linking.length > 0) {
        throw new BadUserInputError('id', `figures ${linking.map((f) => f.id).join(', ')} link to this one (partOf, restates or supersedes): ` +
          'reject them or change their links first');
      }
      return w.updateFigure(id, version, { reviewStatus: 'REJECTED' }, 'REJECT');
    }
    const patch: FigurePatch = { ...(edit ? figurePatch(current, edit, 'edit') : {}), reviewStatus: 'ACCEPTED' };
    const next = { ...current, ...patch };
    const prefix = edit ? 'edit' : 'id';
    const violations = [
      ...periodViolations(next.periodStart, next.periodEnd, prefix),
      ...linkViolations(next, figures.map((f) => (f.id === id ? next : f)), prefix, figures),
      ...reviewLinkViolations(next, figures, prefix),
    ];
    // Accepted as proposed, a figure's own fields are not the caller's: the rule names the figure.
    refuse(edit ? violations : violations.map((v) => ({ field: 'id', message: `${v.field.replace(/^id\./, '')} ${v.message}` })));
    return w.updateFigure(id, version, patch, 'ACCEPT');
  });
}

export function retractFigure(store: EditorialWrites, actor: Actor, id: string, version: number, reason: string): Promise<CasualtyFigureRecord> {
  const why = check(RetractionReason, reason, 'reason');
  return write(store, actor, async (w) => {
    const current = await w.figureById(id, { lock: true });
    if (!current) throw new StoreErrors.NotFoundError('casualtyFigure', id);
    const figures = await w.figuresOfArticle(current.articleId);
    // Every link names a live figure: what links here is retracted or relinked first.
    const links = linksTo(id, figures);
    const ids = (list: { id: string }[]) => list.map((f) => f.id).join(', ');
    const problems = [
      links.partOfId.length && `figures ${ids(links.partOfId)} are counted inside this one: retract them or change their partOfId first`,
      links.restatesId.length && `figures ${ids(links.restatesId)} restate this one: retract them or change their restatesId first`,
      links.supersedesId.length && `figures ${ids(links.supersedesId)} supersede this one: retract them or change their supersedesId first`,
    ].filter((problem): problem is string => !!problem);
    if (problems.length > 0) throw new BadUserInputError('id', problems.join('; '));
    // A restatement that leaves its set may narrow the set below its parts.
    const retracted = { ...current, retractedAt: new Date() };
    const narrowed = setViolations(retracted, figures.map((f) => (f.id === id ? retracted : f)), 'id', figures);
    if (narrowed.length > 0) throw new BadUserInputError('id', narrowed.map((v) => v.message).join('; '));
    return w.updateFigure(id, version, { retractedAt: retracted.retractedAt, retractionReason: why }, 'RETRACT');
  });
}

// ---- import -------------------------------------------------------------------------------------

/** An imported figure names the figures it links to by their keys, not ids. */
export interface ImportFigureFields extends Omit<FigureFields, LinkField> {
  key: string; partOf?: string | null; restates?: string | null; supersedes?: string | null;
}

type LinkField = 'partOfId' | 'restatesId' | 'supersedesId';
const IMPORT_LINKS = [['partOf', 'partOfId'], ['restates', 'restatesId'], ['supersedes', 'supersedesId']] as const;
export interface ImportArticleFields extends ArticleFields { figures?: ImportFigureFields[] | null }

export interface ImportRecordResult {
  index: number;
  slug: string | null;
  outcome: ImportOutcome;
  article: ArticleRecord | null;
  problems: Violation[];
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  records: ImportRecordResult[];
}

/**
 * Imports articles with their figures, one transaction per record: an article is matched by
 * `sourceUrl`, else `slug`, and updated in place (its figures matched by `key`; keyed figures no
 * longer in the record are retracted), or created. A record that breaks any rule is reported with
 * every problem and leaves no trace; the others are stored. `onProgress` hears after each record.
 */
export async function importArticles(
  store: EditorialWrites, actor: Actor, records: readonly ImportArticleFields[],
  onProgress?: (done: number, total: number) => void,
): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, rejected: 0, records: [] };
  for (const [index, record] of records.entries()) {
    const result = await importOne(store, actor, record, index);
    report[result.outcome.toLowerCase() as 'created' | 'updated' | 'unchanged' | 'rejected'] += 1;
    report.records.push(result);
    onProgress?.(index + 1, records.length);
  }
  return report;
}

async function importOne(store: EditorialWrites, actor: Actor, record: ImportArticleFields, index: number): Promise<ImportRecordResult> {
  const shape = ImportRecord.safeParse(record);
  // Named in the report by its slug as far as it can be read.
  const given: { slug?: unknown; headline?: unknown } = record ?? {};
  const slug = typeof given.slug === 'string' ? given.slug : typeof given.headline === 'string' ? slugOf(given.headline) : null;
  const rejected = (problems: Violation[]): ImportRecordResult => ({ index, slug, outcome: 'REJECTED', article: null, problems });
  const unreadable = [...textViolations(record, ''), ...(shape.success ? [] : violationsOf(shape.error, ''))];
  if (unreadable.length > 0) return rejected(unreadable.map((v) => ({ ...v, field: v.field.replace(/^\./, '') })));
  let article: ReturnType<typeof newArticle>;
  try {
    article = newArticle(record, '');
  } catch (error) {
    return rejected(problemsOf(error));
  }
  const { figures, violations } = importFigures(record.figures ?? []);
  if (violations.length > 0) return rejected(violations);
  try {
    const { value, changes } = await store.write(actor, async (w) => {
      const existing = await w.articleBySourceUrlOrSlug(article.sourceUrl, article.slug);
      const { status, ...fields } = article;
      const stored = existing
        ? await w.updateArticle(existing.id, existing.version, record.status ? article : fields)
        : await w.createArticle(article);
      await syncFigures(w, stored.id, figures);
      return { stored: await w.articleById(stored.id), existed: !!existing };
    });
    const touched = changes.articles.size + changes.figures.size > 0;
    const outcome: ImportOutcome = !value.existed ? 'CREATED' : touched ? 'UPDATED' : 'UNCHANGED';
    return { index, slug: value.stored!.slug, outcome, article: value.stored, problems: [] };
  } catch (error) {
    return rejected(problemsOf(toApiError(error, '')));
  }
}

/** An import record's figures, checked, in an order where every figure comes after those it links to. */
function importFigures(inputs: ImportFigureFields[], known: ReadonlySet<string> = new Set()) {
  const violations: Violation[] = [];
  const keys = new Map<string, number>();
  inputs.forEach((input, i) => {
    if (keys.has(input.key)) violations.push({ field: `figures.${i}.key`, message: `repeats key "${input.key}"` });
    keys.set(input.key, i);
  });
  const checked = inputs.map(({ key, partOf, restates, supersedes, ...fields }, i) => {
    const links = { partOf: partOf ?? null, restates: restates ?? null, supersedes: supersedes ?? null };
    for (const [name] of IMPORT_LINKS) {
      const named = links[name];
      if (named != null && !keys.has(named) && !known.has(named)) violations.push({ field: `figures.${i}.${name}`, message: `names no figure key "${named}"` });
    }
    const { figure, violations: own } = newFigure('', fields, `figures.${i}`);
    violations.push(...own);
    return { key, links, figure, index: i };
  });
  const ordered: typeof checked = [];
  const placed = new Set<string>(known);
  while (ordered.length < checked.length && violations.length === 0) {
    const ready = checked.filter((f) => !placed.has(f.key) && Object.values(f.links).every((named) => named === null || placed.has(named)));
    if (ready.length === 0) {
      const stuck = checked.filter((f) => !placed.has(f.key)).map((f) => `"${f.key}"`).join(', ');
      violations.push({ field: 'figures', message: `partOf, restates and supersedes links form a cycle (among keys ${stuck})` });
      break;
    }
    for (const f of ready) { ordered.push(f); placed.add(f.key); }
  }
  return { figures: ordered, violations };
}

/** Makes the article's keyed figures match the import: update, create, or retract. */
async function syncFigures(w: Writer, articleId: string, figures: ReturnType<typeof importFigures>['figures']): Promise<void> {
  const before = await w.figuresOfArticle(articleId);
  const existing = new Map(before.filter((f) => f.importKey).map((f) => [f.importKey!, f]));
  const idOfKey = new Map<string, string>();
  for (const { key, links, figure, index } of figures) {
    const ids = Object.fromEntries(IMPORT_LINKS.map(([name, field]) => [field, links[name] === null ? null : idOfKey.get(links[name]!)!]));
    const wanted = { ...figure, ...ids, articleId, position: index };
    const current = existing.get(key);
    const { articleId: _, position, ...patch } = wanted;
    const stored = current
      ? await w.updateFigure(current.id, current.version, { ...patch, retractedAt: null, retractionReason: null })
      : await w.createFigure({ ...wanted, importKey: key, origin: 'IMPORTED' });
    idOfKey.set(key, stored.id);
  }
  const dropped = [...existing].filter(([key, figure]) => !idOfKey.has(key) && !figure.retractedAt).map(([, figure]) => figure);
  for (const figure of dropped) {
    await w.updateFigure(figure.id, figure.version, { retractedAt: new Date(), retractionReason: 'no longer in the imported article' }, 'RETRACT');
  }
  const after = await w.figuresOfArticle(articleId);
  const fieldOf = (f: { importKey: string | null }) => `figures.${figures.find((x) => x.key === f.importKey)!.index}`;
  const violations = after.filter((f) => idOfKey.has(f.importKey ?? '')).flatMap((f) => linkViolations(f, after, fieldOf(f), before));
  // A figure added by a mutation may link to one the import drops: every link names a live figure.
  for (const figure of dropped) {
    for (const [field, linking] of Object.entries(linksTo(figure.id, after))) {
      for (const other of linking) {
        violations.push({ field: 'figures', message: `figure ${other.id} (not imported) has ${field} ${figure.id}, key "${figure.importKey}", which the import would retract` });
      }
    }
  }
  refuse(violations);
}

/** The violations an error carries (BAD_USER_INPUT), or one problem describing it. */
function problemsOf(error: unknown): Violation[] {
  // A fault of the store is no fault of the record: the whole call fails, and a retry finds the
  // records stored so far UNCHANGED.
  if (error instanceof GraphQLError && !(error instanceof StoreFaultError)) {
    const violations = error.extensions?.violations as Violation[] | undefined;
    return (violations ?? [{ field: String(error.extensions?.argument ?? ''), message: error.message }])
      .map((v) => ({ ...v, field: v.field.replace(/^\./, '') }));
  }
  throw error;
}

/** An update may not clear (set to null) a field every record must have. */
function clearedRequired(input: object, required: string[], prefix = 'input'): Violation[] {
  return required.filter((field) => (input as Record<string, unknown>)[field] === null)
    .map((field) => ({ field: `${prefix}.${field}`, message: 'cannot be cleared; leave it out to keep it' }));
}

/** The fields of `input` that were given (undefined ones dropped; null kept, meaning "clear"). */
function definedFields<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as never;
}
