/** The vocabulary of places' other names, and the one normal form names are compared in. */
import type { LocationAliasKind } from '../generated/graphql';
import { valuesOf } from './enum-values';

/**
 * What an alias is: another spelling or transliteration (`SPELLING`: "Nushki" for Noshki), a name
 * the place bore before (`FORMER`), a short form (`SHORT`: "Quetta" for Quetta District) or any
 * other name (`OTHER`): the values of the SDL's `LocationAliasKind`. The same list is the CHECK of
 * migration 0010 (test/ingest-places.test.ts and test/vocabulary.test.ts check the copy).
 */
export const ALIAS_KINDS = valuesOf<LocationAliasKind>()('SPELLING', 'FORMER', 'SHORT', 'OTHER');
export type AliasKind = (typeof ALIAS_KINDS)[number];

/** The longest alias (and place name) the store keeps. */
export const MAX_PLACE_NAME_LENGTH = 200;

/**
 * A name in the form names are compared in: Unicode-decomposed with combining marks dropped
 * ("Kārēz" → "karez"), lower-case, curly apostrophes straightened, runs of spaces made one.
 */
export function normalizePlaceName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();
}
