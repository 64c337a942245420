/** Remote items' place hints (ISO 3166 codes or place names, as a source gives them) matched to our gazetteer. */
import type { Loaders } from '../loaders';
import type { LocationRecord } from '../store/records';

/** ISO 3166-1 alpha-2 (`PK`) or ISO 3166-2 (`PK-BA`). */
const ISO_CODE = /^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$/;
/** Longer hints are no place name of ours (names are at most 200 characters); braces never are. */
const NAME = /^[^{}]{1,200}$/;

/**
 * The places `hints` name, each once, in hint order: an ISO-shaped hint by its code, else (or when
 * no place has that code) by name without regard to case; a name that several places bear names
 * them all. Through the request's loaders, so the hints of every item of a page go in one batch.
 */
export async function placesOfHints(hints: readonly string[], loaders: Loaders): Promise<LocationRecord[]> {
  const found = await Promise.all(hints.map(async (hint): Promise<LocationRecord[]> => {
    const text = hint.trim();
    if (ISO_CODE.test(text)) {
      const byCode = await loaders.locationByIsoCode.load(text);
      if (byCode) return [byCode];
    }
    return NAME.test(text) ? loaders.locationsByName.load(text) : [];
  }));
  const byId = new Map(found.flat().map((place) => [place.id, place]));
  return [...byId.values()];
}

/** Whether any of `places` is the place `locationId` or lies below it. */
export async function anyWithin(places: readonly LocationRecord[], locationId: string, loaders: Loaders): Promise<boolean> {
  if (places.some((place) => place.id === locationId)) return true;
  const ancestors = await Promise.all(places.map((place) => loaders.ancestorsOfLocation.load(place.id)));
  return ancestors.some((list) => list.some((ancestor) => ancestor.id === locationId));
}
