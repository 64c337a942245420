/**
 * The one-statement peer `npm run bench` measures newsgate's miss path against: graphql-js over
 * node:http with an SDL of exactly the fields the two bench queries ask for (./queries.ts), under
 * newsgate's own type and field names, so the same request body works on both. Each operation is
 * ONE hand-written statement that builds the whole answer in PostgreSQL (json_agg,
 * json_build_object); the resolvers only pick fields from its JSON. No loaders, no cache, no limits:
 * the least a GraphQL server over this schema can do per request. Each statement builds what its
 * bench query asks for and no more (the article's figures carry no `partOf`, the list's places no
 * `isoCode`): any other selection is outside its contract and finds those fields null.
 *
 * It reads what the public reads (published articles; their accepted, unretracted figures, in text
 * order; authors and places in byline order) and must answer `data` exactly as newsgate does:
 * test/bench-peer.test.ts holds it to that, and the bench checks it on its own data before measuring.
 */
import http from 'node:http';
import { type DocumentNode, GraphQLError, buildSchema, execute, parse, validate } from 'graphql';
import { LRUCache } from 'lru-cache';
import { Pool } from 'pg';
import { quoteIdent } from '../../src/store/postgres';

const SDL = /* GraphQL */ `
  scalar DateTime
  enum CasualtyOutcome { KILLED INJURED KILLED_OR_INJURED ABDUCTED DETAINED MISSING }
  enum PopulationGroup { CIVILIANS SECURITY_FORCES MILITANTS UNSPECIFIED }
  enum Qualifier { EXACT AT_LEAST MORE_THAN NEARLY ABOUT UP_TO BETWEEN SEVERAL DOZENS SCORES HUNDREDS THOUSANDS UNSPECIFIED }
  enum Verification { CONFIRMED REPORTED UNVERIFIED DISPUTED }
  type Author { name: String! }
  type Location { name: String! isoCode: String }
  type CasualtyFigure {
    id: ID!
    outcome: CasualtyOutcome!
    group: PopulationGroup!
    low: Int
    best: Int
    high: Int
    qualifier: Qualifier!
    verification: Verification!
    claimedBy: String
    location: Location
    partOf: CasualtyFigure
  }
  type Article {
    id: ID!
    headline: String!
    publishedAt: DateTime
    authors: [Author!]!
    locations: [Location!]!
    casualtyFigures: [CasualtyFigure!]!
  }
  type ArticleEdge { node: Article! }
  type ArticleConnection { edges: [ArticleEdge!]! }
  input ArticleFilter { locationId: ID }
  type Query {
    article(slug: String!): Article
    articles(filter: ArticleFilter, first: Int): ArticleConnection!
  }
`;

/**
 * An instant as newsgate's DateTime sends it (`Date#toISOString`: UTC, milliseconds, `Z`), made in
 * PostgreSQL so the resolvers have nothing to convert.
 */
const instant = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * An entity's global id as newsgate sends it (src/global-ids.ts: base64url of `Type:number`, no
 * padding), made in PostgreSQL.
 */
const globalId = (type: string, column: string) =>
  `translate(encode(convert_to('${type}:' || ${column}, 'UTF8'), 'base64'), '+/=' || chr(10), '-_')`;

/** What the public sees of an article's figures: accepted, unretracted ones of a published article. */
const LIVE_FIGURE = `f.article_status = 'PUBLISHED' AND f.review_status = 'ACCEPTED' AND f.retracted_at IS NULL`;

/** The article query's statement: the published article with slug $1, its byline, places and figures. */
const ARTICLE_SQL = `
  SELECT json_build_object(
    'id', ${globalId('Article', 'a.id')}, 'headline', a.headline, 'publishedAt', ${instant('a.published_at')},
    'authors', coalesce((SELECT json_agg(json_build_object('name', au.name) ORDER BY x.position, x.author_id)
                           FROM article_authors x JOIN authors au ON au.id = x.author_id WHERE x.article_id = a.id), '[]'),
    'locations', coalesce((SELECT json_agg(json_build_object('name', l.name, 'isoCode', l.iso_code) ORDER BY x.position, x.location_id)
                             FROM article_locations x JOIN locations l ON l.id = x.location_id WHERE x.article_id = a.id), '[]'),
    'casualtyFigures', coalesce((SELECT json_agg(json_build_object(
        'outcome', f.outcome, 'group', f.population, 'low', f.low, 'best', f.best, 'high', f.high,
        'qualifier', f.qualifier, 'verification', f.verification, 'claimedBy', f.claimed_by,
        'location', (SELECT json_build_object('name', l.name) FROM locations l WHERE l.id = f.location_id)
      ) ORDER BY f.position, f.id) FROM casualty_figures f WHERE f.article_id = a.id AND ${LIVE_FIGURE}), '[]')
  ) AS answer
  FROM articles a WHERE a.slug = $1 AND a.status = 'PUBLISHED'`;

/**
 * The list query's statement: the first $2 published articles under place $1 (or any place below
 * it), newest first (undated last, ties by id), each with its byline, places and figures; a figure's
 * `partOf` is null unless the whole it is part of is one the public sees (retracted or not).
 */
const LIST_SQL = `
  SELECT json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
    'id', ${globalId('Article', 'a.id')}, 'headline', a.headline, 'publishedAt', ${instant('a.published_at')},
    'authors', coalesce((SELECT json_agg(json_build_object('name', au.name) ORDER BY x.position, x.author_id)
                           FROM article_authors x JOIN authors au ON au.id = x.author_id WHERE x.article_id = a.id), '[]'),
    'locations', coalesce((SELECT json_agg(json_build_object('name', l.name) ORDER BY x.position, x.location_id)
                             FROM article_locations x JOIN locations l ON l.id = x.location_id WHERE x.article_id = a.id), '[]'),
    'casualtyFigures', coalesce((SELECT json_agg(json_build_object(
        'group', f.population, 'low', f.low, 'best', f.best, 'high', f.high,
        'qualifier', f.qualifier, 'verification', f.verification, 'claimedBy', f.claimed_by,
        'location', (SELECT json_build_object('name', l.name) FROM locations l WHERE l.id = f.location_id),
        'partOf', (SELECT json_build_object('id', ${globalId('CasualtyFigure', 'w.id')}) FROM casualty_figures w
                    WHERE w.id = f.part_of_id AND w.article_status = 'PUBLISHED' AND w.review_status = 'ACCEPTED')
      ) ORDER BY f.position, f.id) FROM casualty_figures f WHERE f.article_id = a.id AND ${LIVE_FIGURE}), '[]')
  )) ORDER BY a.sort_key DESC, a.id DESC), '[]')) AS answer
  FROM (SELECT a.*, coalesce(a.published_at, '-infinity'::timestamptz) AS sort_key FROM articles a
         WHERE a.status = 'PUBLISHED'
           AND EXISTS (SELECT 1 FROM article_locations x WHERE x.article_id = a.id
                         AND x.location_id IN (SELECT descendant_id FROM location_paths WHERE ancestor_id = $1))
         ORDER BY coalesce(a.published_at, '-infinity'::timestamptz) DESC, a.id DESC LIMIT $2) a`;

/** newsgate's page sizes: 20 when `first` is omitted, at most 100. */
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

/** An id that is not a stored integer id matches nothing, as in newsgate's store. */
const toDbId = (id: string | null | undefined): number => (id && /^\d{1,9}$/.test(id) ? Number(id) : -1);

async function answerOf(pool: Pool, sql: string, params: unknown[]): Promise<unknown> {
  const { rows } = await pool.query<{ answer: unknown }>(sql, params);
  return rows[0]?.answer ?? null;
}

const schema = buildSchema(SDL);
const rootValue = {
  article: ({ slug }: { slug: string }, pool: Pool) => answerOf(pool, ARTICLE_SQL, [slug]),
  articles: ({ filter, first }: { filter?: { locationId?: string | null } | null; first?: number | null }, pool: Pool) => {
    const size = first ?? DEFAULT_PAGE;
    if (size < 0 || size > MAX_PAGE) throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}`);
    if (filter?.locationId == null) throw new GraphQLError('this peer lists articles under a place only (filter.locationId)');
    return answerOf(pool, LIST_SQL, [toDbId(filter.locationId), size]);
  },
};

/** Parsed and validated documents by query text, as Apollo Server keeps them: a repeat costs neither. */
const documents = new LRUCache<string, DocumentNode | readonly GraphQLError[]>({ max: 100 });

function documentOf(query: string): DocumentNode | readonly GraphQLError[] {
  let document = documents.get(query);
  if (!document) {
    try {
      const parsed = parse(query);
      const errors = validate(schema, parsed);
      document = errors.length ? errors : parsed;
    } catch (error) {
      document = [error as GraphQLError];
    }
    documents.set(query, document);
  }
  return document;
}

/** Runs one GraphQL request (`{ query, variables }`) over `pool`; resolves to the response body. */
export async function runPeer(pool: Pool, request: { query?: unknown; variables?: Record<string, unknown> }): Promise<unknown> {
  if (typeof request.query !== 'string') return { errors: [{ message: 'query must be a string' }] };
  const document = documentOf(request.query);
  if (!('kind' in document)) return { errors: document };
  return execute({ schema, document, rootValue, contextValue: pool, variableValues: request.variables });
}

/**
 * The peer's connections: to `databaseUrl`, reading `databaseSchema` first, at most
 * `readConnections` (newsgate's read pool size, 10 unless set) at once.
 */
export function openPeerPool(options: { databaseUrl: string; databaseSchema?: string; readConnections?: number }): Pool {
  return new Pool({
    connectionString: options.databaseUrl,
    max: options.readConnections ?? 10,
    options: options.databaseSchema ? `-c search_path=${quoteIdent(options.databaseSchema)},public` : undefined,
  });
}

/**
 * The peer's HTTP server (not listening yet): POST a JSON `{ query, variables }` anywhere; 200 with
 * the GraphQL response, 400 for a body that is not JSON.
 */
export function createPeerServer(pool: Pool): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      let request: { query?: unknown; variables?: Record<string, unknown> };
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"errors":[{"message":"the body is not JSON"}]}');
        return;
      }
      let body: string;
      try {
        body = JSON.stringify(await runPeer(pool, request));
      } catch (error) {
        body = JSON.stringify({ errors: [{ message: (error as Error).message }] });
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
}
