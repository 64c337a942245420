/**
 * PostGraphile 5 as a second peer for `npm run bench`: its generated API over the same store, asked
 * for what the bench's two queries ask newsgate for, in its own names. Articles under a place are
 * a function PostGraphile exposes as `articlesUnder` (in a schema of the bench's own beside the
 * store's, `<schema>_postgraphile`): its generated connections filter by columns only, not "under a
 * place". What the public may see is asked for in conditions (published articles, accepted live
 * figures); a figure's `partOf` is not (the one difference: a whole awaiting review, which newsgate
 * hides, PostGraphile shows; the bench's corpus has none, and the bench checks the answers equal).
 */
import type { Pool } from 'pg';
import { toGlobalId } from '../../src/global-ids';
import { quoteIdent } from '../../src/store/postgres';
import type { Target } from './harness';

/** The schema holding the bench's function for the store schema `schema`. */
export function functionSchemaOf(schema: string): string {
  return `${schema}_postgraphile`;
}

/** Creates (or replaces) `articlesUnder`: the first `n` published articles under a place, newest first. */
export async function createArticlesUnder(pool: Pool, schema: string): Promise<void> {
  const [store, own] = [quoteIdent(schema), quoteIdent(functionSchemaOf(schema))];
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${own}`);
  await pool.query(`
    CREATE OR REPLACE FUNCTION ${own}.articles_under(location integer, n integer) RETURNS SETOF ${store}.articles
    LANGUAGE sql STABLE AS $$
      SELECT a.* FROM ${store}.articles a
       WHERE a.status = 'PUBLISHED'
         AND EXISTS (SELECT 1 FROM ${store}.article_locations x WHERE x.article_id = a.id
                       AND x.location_id IN (SELECT descendant_id FROM ${store}.location_paths WHERE ancestor_id = location))
       ORDER BY coalesce(a.published_at, '-infinity'::timestamptz) DESC, a.id DESC LIMIT n
    $$`);
  // Its GraphQL name, without the schema's prefix PostGraphile gives functions of a second schema.
  await pool.query(`COMMENT ON FUNCTION ${own}.articles_under(integer, integer) IS E'@name articles_under'`);
}

const FIGURES = `casualtyFiguresByArticleId(condition: { articleStatus: "PUBLISHED", reviewStatus: "ACCEPTED", retractedAt: null },
  orderBy: [POSITION_ASC, ROW_ID_ASC])`;
const BYLINE = `articleAuthorsByArticleId(orderBy: [POSITION_ASC, AUTHOR_ID_ASC]) { nodes { authorByAuthorId { name } } }`;

const ARTICLE = /* GraphQL */ `
  query Article($slug: String!) {
    allArticles(condition: { slug: $slug, status: "PUBLISHED" }, first: 1) { nodes {
      rowId headline publishedAt
      ${BYLINE}
      articleLocationsByArticleId(orderBy: [POSITION_ASC, LOCATION_ID_ASC]) { nodes { locationByLocationId { name isoCode } } }
      ${FIGURES} { nodes { outcome population low best high qualifier verification claimedBy locationByLocationId { name } } }
    } }
  }`;

const LIST = /* GraphQL */ `
  query CountryPage($country: Int!) {
    articlesUnder(location: $country, n: 20) { nodes {
      rowId headline publishedAt
      ${BYLINE}
      articleLocationsByArticleId(orderBy: [POSITION_ASC, LOCATION_ID_ASC]) { nodes { locationByLocationId { name } } }
      ${FIGURES} { nodes {
        population low best high qualifier verification claimedBy locationByLocationId { name } casualtyFigureByPartOfId { rowId }
      } }
    } }
  }`;

/** PostGraphile's request for the bench `target` (the article by slug, or the page under a country). */
export function postgraphileTarget(target: Target): Target {
  const request = (body: string) => {
    const { variables } = JSON.parse(body) as { variables: Record<string, string> };
    return JSON.stringify(target.name === 'article'
      ? { query: ARTICLE, variables: { slug: variables.slug } }
      : { query: LIST, variables: { country: Number(variables.country) } });
  };
  return { name: target.name, body: request(target.body), ...(target.bodies ? { bodies: target.bodies.map(request) } : {}) };
}

type Node = Record<string, any>;

/** A PostGraphile article as newsgate answers it: ids as strings, instants in ISO 8601 with milliseconds, links flattened. */
function asArticle(node: Node): Node {
  return {
    id: toGlobalId('Article', String(node.rowId)), headline: node.headline,
    publishedAt: node.publishedAt === null ? null : new Date(node.publishedAt).toISOString(),
    authors: node.articleAuthorsByArticleId.nodes.map((link: Node) => link.authorByAuthorId),
    locations: node.articleLocationsByArticleId.nodes.map((link: Node) => link.locationByLocationId),
    casualtyFigures: node.casualtyFiguresByArticleId.nodes.map(({ population, locationByLocationId, casualtyFigureByPartOfId, ...figure }: Node) => ({
      ...(figure.outcome === undefined ? {} : { outcome: figure.outcome }),
      group: population, low: figure.low, best: figure.best, high: figure.high, qualifier: figure.qualifier,
      verification: figure.verification, claimedBy: figure.claimedBy, location: locationByLocationId,
      ...(casualtyFigureByPartOfId === undefined ? {} : { partOf: casualtyFigureByPartOfId && { id: toGlobalId('CasualtyFigure', String(casualtyFigureByPartOfId.rowId)) } }),
    })),
  };
}

/** PostGraphile's `data` for `target`, in newsgate's shape, to compare with newsgate's. */
export function asNewsgateData(target: Target, data: Node): unknown {
  if (target.name === 'article') return { article: data.allArticles.nodes[0] ? asArticle(data.allArticles.nodes[0]) : null };
  return { articles: { edges: data.articlesUnder.nodes.map((node: Node) => ({ node: asArticle(node) })) } };
}
