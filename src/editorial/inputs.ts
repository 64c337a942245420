import { z } from 'zod';
import { MAX_SLUG_LENGTH, joinParagraphs, slugOf, splitParagraphs } from '../domain/article-text';
import { CLAIMANT_TYPES, GROUPS, OUTCOMES, QUALIFIERS, VERIFICATIONS } from '../domain/casualty';
import { ALIAS_KINDS } from '../domain/place-names';
import { BadUserInputError, type Violation } from '../errors';
import { INSTANT_RULE, isStorableInstant, textProblems } from '../input-rules';
import { ARTICLE_STATUSES } from '../store/records';

/**
 * The documented limits of editorial input, checked before anything is written. GraphQL has
 * already checked types and enums; these are the rules it cannot express.
 */
export const LIMITS = {
  name: 200, slug: MAX_SLUG_LENGTH, bio: 5_000, headline: 300, standfirst: 1_000, body: 200_000, url: 2_048,
  tags: 20, tag: 50, authors: 20, locations: 50, quote: 2_000, claimedBy: 200, who: 200, reason: 500, importBatch: 1_000, importKey: 100,
  /** One figure's count: more than any one claim makes, and far inside the store's `int` columns. */
  count: 100_000_000,
} as const;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A BCP 47 language tag as articles store it: `en`, `pt-BR`. */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** A page's address: http or https, at most LIMITS.url bytes. */
export const SOURCE_URL = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .refine((url) => Buffer.byteLength(url) <= LIMITS.url, `must be at most ${LIMITS.url} bytes in UTF-8 (a character outside ASCII takes 2 to 4)`);

const text = (max: number) => z.string().trim().min(1, 'must not be blank').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).nullish();
const slug = z.string().max(LIMITS.slug, `must be at most ${LIMITS.slug} characters`)
  .regex(SLUG, 'must be lower-case letters and digits in words joined by single hyphens');
const uniqueIds = (max: number) => z.array(z.string()).max(max, `must list at most ${max}`)
  .refine((ids) => new Set(ids).size === ids.length, 'must not list the same id twice');
const count = z.number().int().min(0, 'must not be negative').max(LIMITS.count, `must be at most ${LIMITS.count.toLocaleString('en')}`);
const instant = z.date().refine(isStorableInstant, INSTANT_RULE);

export const AuthorInput = z.object({ name: text(LIMITS.name), slug: slug.nullish(), bio: optionalText(LIMITS.bio) });

export const LocationInput = z.object({
  name: text(LIMITS.name),
  kind: z.string(),
  parentId: z.string().nullish(),
  isoCode: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166-1 alpha-2 or 3166-2 code in upper case, like PK or PK-BA').nullish(),
  latitude: z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90').nullish(),
  longitude: z.number().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180').nullish(),
});

export const LocationAliasInput = z.object({
  alias: text(LIMITS.name),
  kind: z.enum(ALIAS_KINDS),
});

export const ArticleInput = z.object({
  headline: text(LIMITS.headline),
  slug: slug.nullish(),
  standfirst: optionalText(LIMITS.standfirst),
  body: text(LIMITS.body),
  publishedAt: instant.nullish(),
  // In bytes, not characters: the unique index on it takes at most 2,704 bytes a row.
  sourceUrl: SOURCE_URL.nullish(),
  language: z.string().regex(LANGUAGE_TAG, 'must be a BCP 47 language tag such as en or pt-BR').nullish(),
  tags: z.array(z.string().regex(/^[a-z0-9-]{1,50}$/, 'must be 1-50 lower-case letters, digits and hyphens'))
    .max(LIMITS.tags, `must list at most ${LIMITS.tags}`).nullish(),
  authorIds: uniqueIds(LIMITS.authors).nullish(),
  locationIds: uniqueIds(LIMITS.locations).nullish(),
  status: z.string().nullish(),
});

/** A figure's free-form fields; the rules across fields are in ./figure-rules. */
export const FigureInput = z.object({
  number: count.nullish(),
  numberHigh: count.nullish(),
  low: count.nullish(),
  best: count.nullish(),
  high: count.nullish(),
  claimedBy: optionalText(LIMITS.claimedBy),
  who: optionalText(LIMITS.who),
  background: z.boolean('must be true or false').nullish(),
  quote: text(LIMITS.quote),
  periodStart: instant.nullish(),
  periodEnd: instant.nullish(),
}).loose();

export const RetractionReason = text(LIMITS.reason);

/** The key that names a figure within an imported article (and a `partOf`, `restates` or `supersedes` naming another). */
const importKey = z.string().min(1, 'must not be empty').max(LIMITS.importKey, `must be at most ${LIMITS.importKey} characters`);

/**
 * What GraphQL's types guarantee of an import record (an object; enums, keys and the text a slug is
 * made from of the right type; figures a list of objects), for records that do not come through
 * GraphQL: the import CLI's. The rules of articles and figures are checked after, as for any.
 */
export const ImportRecord = z.object({
  headline: z.string(),
  slug: z.string().nullish(),
  status: z.enum(ARTICLE_STATUSES).nullish(),
  figures: z.array(z.object({
    key: importKey,
    partOf: importKey.nullish(),
    restates: importKey.nullish(),
    supersedes: importKey.nullish(),
    outcome: z.enum(OUTCOMES),
    group: z.enum(GROUPS),
    qualifier: z.enum(QUALIFIERS),
    claimantType: z.enum(CLAIMANT_TYPES),
    verification: z.enum(VERIFICATIONS),
  }).loose()).nullish(),
}).loose();

/**
 * Checks `input` against `schema` (all of it, or only the fields present when `partial`) and
 * resolves to the cleaned value; throws one BAD_USER_INPUT error listing every broken rule, each
 * named by its path under `argument`.
 */
export function check<T extends z.ZodType>(schema: T, input: unknown, argument: string, partial = false): z.infer<T> {
  const effective = partial && schema instanceof z.ZodObject ? schema.partial() : schema;
  const parsed = effective.safeParse(input);
  if (parsed.success) return parsed.data as z.infer<T>;
  throw BadUserInputError.of(violationsOf(parsed.error, argument));
}

/**
 * Every string anywhere in `input` that breaks the text rule of src/input-rules.ts (a NUL, a lone
 * surrogate), named by its path under `argument`. The GraphQL edge applies the same rule to every
 * argument; this is for input that does not come through it (the import CLI's records).
 */
export function textViolations(input: unknown, argument: string): Violation[] {
  return textProblems(input).map(({ path, problem }) => ({ field: [argument, ...path].filter((part) => part !== '').join('.'), message: problem }));
}

/** zod's issues as violations named by their input path. */
export function violationsOf(error: z.ZodError, argument: string): Violation[] {
  return error.issues.map((issue) => ({ field: [argument, ...issue.path].join('.'), message: issue.message }));
}

/** A body in canonical form: trimmed paragraphs separated by exactly one blank line. */
export function canonicalBody(body: string): string {
  return joinParagraphs(splitParagraphs(body.replace(/\r\n?/g, '\n')));
}

/** Tags from a feed or remote source as the store keeps them (lower-case words joined by hyphens), each once, at most as many as it allows. */
export function storableTags(tags: readonly string[]): string[] {
  const slugs = tags.map((tag) => slugOf(tag).slice(0, LIMITS.tag).replace(/-+$/, '')).filter((tag) => tag !== '');
  return [...new Set(slugs)].slice(0, LIMITS.tags);
}
