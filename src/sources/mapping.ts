/**
 * How a JSON source's items become `ExternalItem`s: a dotted path finds each field in one remote
 * item (`FieldMapping`), and sanitize.ts cleans what it finds. Shared by the GraphQL and REST kinds.
 */
import { dateOf, httpUrl, ITEM_LIMITS, languageTag, plainText, textList } from './sanitize';
import type { ExternalItem, FieldMapping, SourceInfo } from './source';

/**
 * The value at `path` in `value`: segments are object keys or list indexes (`tags.0.name`); `*` maps
 * the rest of the path over each entry of a list and flattens (`tags.*.name`). Only own properties
 * are followed; undefined where the path leads nowhere. An empty path is `value` itself.
 */
export function valueAtPath(value: unknown, path: string): unknown {
  return walk(value, path === '' ? [] : path.split('.'));
}

function walk(value: unknown, segments: string[]): unknown {
  if (segments.length === 0) return value;
  const [segment, ...rest] = segments;
  if (segment === '*') {
    if (!Array.isArray(value)) return undefined;
    return value.flatMap((entry) => {
      const found = walk(entry, rest);
      return found === undefined ? [] : [found];
    });
  }
  if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
  return walk((value as Record<string, unknown>)[segment], rest);
}

/**
 * One remote item as an `ExternalItem`, every value cleaned; null (the item is dropped) when it has
 * no headline or no http(s) URL. Relative URLs resolve against `baseUrl`; `remoteId` falls back to
 * the URL when the mapping gives none or the item lacks it.
 */
export function mapItem(raw: unknown, mapping: FieldMapping, sourceId: string, baseUrl: string): ExternalItem | null {
  const at = (path: string | undefined) => path === undefined ? undefined : valueAtPath(raw, path);
  const headline = plainText(at(mapping.headline), ITEM_LIMITS.headline);
  const url = httpUrl(at(mapping.url), baseUrl);
  if (headline === null || url === null) return null;
  return {
    sourceId,
    remoteId: idOf(at(mapping.remoteId)) ?? url,
    headline,
    standfirst: plainText(at(mapping.standfirst), ITEM_LIMITS.standfirst),
    url,
    publishedAt: dateOf(at(mapping.publishedAt)),
    authorNames: textList(at(mapping.authorNames), ITEM_LIMITS.name),
    language: languageTag(at(mapping.language)),
    tags: textList(at(mapping.tags), ITEM_LIMITS.tag),
    placeHints: textList(at(mapping.placeHints), ITEM_LIMITS.name),
  };
}

function idOf(value: unknown): string | null {
  const id = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  return id !== '' && id.length <= ITEM_LIMITS.url ? id : null;
}

/** The items of a list the source sent, mapped; entries that cannot be items are dropped. */
export function mapItems(list: unknown[], mapping: FieldMapping, info: SourceInfo): ExternalItem[] {
  return list.flatMap((raw) => mapItem(raw, mapping, info.id, info.url) ?? []);
}

/** A non-negative whole number at `path`, else undefined (a source's count is never guessed). */
export function countAt(value: unknown, path: string | undefined): number | undefined {
  const count = path === undefined ? undefined : valueAtPath(value, path);
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}
