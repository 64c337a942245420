/** The SQL of bulk loads (`BulkLoader`): ids taken from sequences, and whole batches inserted. */
import { countWords } from '../domain/article-text';
import { normalizePlaceName } from '../domain/place-names';
import type { Db, Queryable } from './db';
import type { LocationAliasRecord, NewArticle, NewAuthor, NewCasualtyFigure, NewLocation } from './records';
import type { BulkLoader, IdKind } from './store';
import { columns, linkAncestors } from './sql-common';

/** Sends whole columns as arrays and `unnest`s them: one statement per table, whatever the number of rows. */
export class SqlBulkLoader implements BulkLoader {
  constructor(private readonly db: Db) {}

  allocateIds(kind: IdKind, count: number) {
    return allocateIds(this.db, kind, count);
  }

  async insertAuthors(authors: readonly NewAuthor[]) {
    const ids = await assignIds(this.db, 'authors', authors);
    await this.db.query(
      `INSERT INTO authors (id, slug, name, bio) SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])`,
      [ids, ...columns(authors, { slug: (a) => a.slug, name: (a) => a.name, bio: (a) => a.bio })]);
    return ids;
  }

  async upsertLocations(locations: readonly NewLocation[]) {
    if (locations.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const params = columns(locations, {
        id: (l) => l.id ?? null, parent: (l) => l.parentId, name: (l) => l.name, kind: (l) => l.kind,
        iso: (l) => l.isoCode, lat: (l) => l.latitude, lon: (l) => l.longitude,
      });
      const { rows: created } = await tx.query<{ id: number }>(
        `INSERT INTO locations (id, parent_id, name, kind, iso_code, latitude, longitude)
         SELECT coalesce(t.id, nextval(pg_get_serial_sequence('locations', 'id'))), t.parent, t.name, t.kind,
                t.iso, t.lat, t.lon
           FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[])
                AS t(id, parent, name, kind, iso, lat, lon)
         ON CONFLICT DO NOTHING
         RETURNING id`, params);
      await linkAncestors(tx, created.map((row) => row.id));
      // Every input finds exactly one place: the one with its ISO code, else the one with its
      // parent, kind and name. A place that matches by name but carries another code is refused.
      const { rows } = await tx.query<{ id: string | null }>(
        `SELECT found.id::text AS id
           FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(parent, name, kind, iso, n)
           LEFT JOIN LATERAL (
             SELECT l.id FROM locations l
              WHERE l.iso_code = t.iso
                 OR (l.parent_id IS NOT DISTINCT FROM t.parent AND l.kind = t.kind AND l.name = t.name
                     AND (t.iso IS NULL OR l.iso_code IS NULL OR l.iso_code = t.iso))
              ORDER BY (l.iso_code = t.iso) DESC NULLS LAST
              LIMIT 1) found ON true
          ORDER BY t.n`, [params[1], params[2], params[3], params[4]]);
      const missing = rows.findIndex((row) => row.id === null);
      if (missing >= 0) {
        const place = locations[missing];
        throw new Error(`place "${place.name}" (${place.kind}, ISO ${place.isoCode}) clashes with a stored place of the ` +
          'same parent, kind and name but another ISO code; correct one of them');
      }
      return rows.map((row) => row.id!);
    });
  }

  async insertLocationAliases(aliases: readonly LocationAliasRecord[]) {
    if (aliases.length === 0) return;
    await this.db.query(
      `INSERT INTO location_aliases (location_id, alias, normalized, kind)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT DO NOTHING`,
      columns(aliases, {
        id: (a) => Number(a.locationId), alias: (a) => a.alias, normalized: (a) => normalizePlaceName(a.alias), kind: (a) => a.kind,
      }));
  }

  async insertArticles(articles: readonly NewArticle[]) {
    if (articles.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const ids = await assignIds(tx, 'articles', articles);
      await tx.query(
        `INSERT INTO articles (id, slug, headline, standfirst, body, published_at, updated_at, source_url,
                               language, tags, word_count)
         SELECT t.id, t.slug, t.headline, t.standfirst, t.body, t.published_at, coalesce(t.updated_at, now()),
                t.source_url, t.language, array(SELECT jsonb_array_elements_text(t.tags::jsonb)), t.word_count
           FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                       $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::int[])
                AS t(id, slug, headline, standfirst, body, published_at, updated_at, source_url,
                     language, tags, word_count)`,
        [ids, ...columns(articles, {
          slug: (a) => a.slug, headline: (a) => a.headline, standfirst: (a) => a.standfirst,
          body: (a) => a.body, publishedAt: (a) => a.publishedAt, updatedAt: (a) => a.updatedAt ?? null,
          sourceUrl: (a) => a.sourceUrl, language: (a) => a.language, tags: (a) => JSON.stringify(a.tags),
          wordCount: (a) => countWords(a.body),
        })]);
      const links = (pick: (a: NewArticle) => string[]) => articles.flatMap((article, i) =>
        pick(article).map((target, position) => [ids[i], target, position] as const));
      const authorLinks = links((a) => a.authorIds);
      const locationLinks = links((a) => a.locationIds);
      await tx.query(
        `INSERT INTO article_authors (article_id, author_id, position)
         SELECT * FROM unnest($1::int[], $2::int[], $3::int[])`,
        [authorLinks.map((l) => l[0]), authorLinks.map((l) => l[1]), authorLinks.map((l) => l[2])]);
      await tx.query(
        `INSERT INTO article_locations (article_id, location_id, position)
         SELECT * FROM unnest($1::int[], $2::int[], $3::int[])`,
        [locationLinks.map((l) => l[0]), locationLinks.map((l) => l[1]), locationLinks.map((l) => l[2])]);
      return ids;
    });
  }

  async insertFigures(figures: readonly NewCasualtyFigure[]) {
    const ids = await assignIds(this.db, 'casualty_figures', figures);
    await this.db.query(
      `INSERT INTO casualty_figures (id, article_id, position, outcome, population, low, best, high, qualifier,
                                     claimed_by, claimant_type, verification, quote, location_id, period_start,
                                     period_end, part_of_id, restates_id, supersedes_id, who, background,
                                     origin, confidence, review_status)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[],
                            $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::int[],
                            $15::timestamptz[], $16::timestamptz[], $17::int[], $18::int[], $19::int[], $20::text[],
                            $21::boolean[], $22::text[], $23::real[], $24::text[])`,
      [ids, ...columns(figures, {
        article: (f) => f.articleId, position: (f) => f.position ?? 0,
        outcome: (f) => f.outcome, group: (f) => f.group, low: (f) => f.low, best: (f) => f.best, high: (f) => f.high,
        qualifier: (f) => f.qualifier, claimedBy: (f) => f.claimedBy, claimantType: (f) => f.claimantType,
        verification: (f) => f.verification, quote: (f) => f.quote, location: (f) => f.locationId,
        periodStart: (f) => f.periodStart, periodEnd: (f) => f.periodEnd, partOf: (f) => f.partOfId,
        restates: (f) => f.restatesId ?? null, supersedes: (f) => f.supersedesId ?? null, who: (f) => f.who ?? null,
        background: (f) => f.background ?? false,
        origin: (f) => f.origin ?? 'MANUAL', confidence: (f) => f.confidence ?? null, reviewStatus: (f) => f.reviewStatus ?? 'ACCEPTED',
      })]);
    return ids;
  }
}

/** Takes `count` fresh ids from the sequence of table `kind`. */
async function allocateIds(db: Queryable, kind: IdKind, count: number): Promise<string[]> {
  if (count === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT nextval(pg_get_serial_sequence($1, 'id'))::text AS id FROM generate_series(1, $2)`, [kind, count]);
  return rows.map((row) => row.id);
}

/** The ids of new records in input order: their own where given, fresh ones (one round-trip) elsewhere. */
async function assignIds(db: Queryable, kind: IdKind, records: readonly { id?: string }[]): Promise<string[]> {
  const fresh = await allocateIds(db, kind, records.filter((record) => record.id == null).length);
  let next = 0;
  return records.map((record) => record.id ?? fresh[next++]);
}
