/**
 * Fake remote sources on loopback ports, for the adapters' and the gateway's tests: a GraphQL API
 * (a real Apollo Server with its own schema) and a Guardian-like REST API, both serving invented
 * stories. Every fake is built on `startUpstream`, so each answers to the same `UpstreamControls`
 * (delay, hang, fail, send malformed bodies, honour ETags, count what it was asked); a fake of
 * another kind (a feed) builds on `startUpstream` with its own answer.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApolloServer, HeaderMap } from '@apollo/server';

/** One request a fake received. */
export interface UpstreamRequest {
  method: string;
  /** Path and query string, as sent (`/search?q=harbour&page=2`). */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What a fake answers when told nothing else. */
export interface UpstreamAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** How a test steers a fake upstream and reads what it was asked. Counts survive `reset`. */
export interface UpstreamControls {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Every request received, in order (hung ones included). */
  readonly requests: UpstreamRequest[];
  /** How many 304s it has sent. */
  readonly notModifiedCount: number;
  /** Waits this long before each answer (0: none). */
  delay(ms: number): void;
  /** Never answers (the connection stays open until `reset` is followed by nothing, or `close`). */
  hang(): void;
  /** Answers every request with this status (default 500) and a short text body. */
  fail(status?: number): void;
  /** Answers 200 with a body that is not valid in its format: `body`, else the normal answer cut in half. */
  malformed(body?: string): void;
  /** Sends a strong ETag (a hash of the body) with each 200 and answers 304 to a matching If-None-Match. */
  honourEtags(on?: boolean): void;
  /** Back to normal answers at once (delay 0, no hang, fail or malformed); ETags and counts are kept. */
  reset(): void;
  close(): Promise<void>;
}

type Mode = { kind: 'normal' } | { kind: 'hang' } | { kind: 'fail'; status: number } | { kind: 'malformed'; body?: string };

/** A fake upstream answering with `answer`, steered by the controls it resolves. */
export async function startUpstream(answer: (request: UpstreamRequest) => Promise<UpstreamAnswer>): Promise<UpstreamControls> {
  let mode: Mode = { kind: 'normal' };
  let delayMs = 0;
  let etags = false;
  let notModifiedCount = 0;
  const requests: UpstreamRequest[] = [];
  const closing = new AbortController();

  const server = http.createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const request = { method: incoming.method ?? 'GET', path: incoming.url ?? '/', headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') };
    requests.push(request);
    const current = mode;
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: closing.signal }).catch(() => {});
    if (current.kind === 'hang' || closing.signal.aborted) return;
    if (current.kind === 'fail') {
      outgoing.writeHead(current.status, { 'content-type': 'text/plain' }).end('upstream failure');
      return;
    }
    let normal: UpstreamAnswer;
    try {
      normal = await answer(request);
    } catch (error) {
      outgoing.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      return;
    }
    if (current.kind === 'malformed') {
      outgoing.writeHead(200, { 'content-type': normal.contentType }).end(current.body ?? normal.body.slice(0, Math.floor(normal.body.length / 2)));
      return;
    }
    const headers: Record<string, string> = { 'content-type': normal.contentType };
    if (etags && normal.status === 200) {
      headers.etag = `"${createHash('sha1').update(normal.body).digest('base64url')}"`;
      if (incoming.headers['if-none-match'] === headers.etag) {
        notModifiedCount += 1;
        outgoing.writeHead(304, { etag: headers.etag }).end();
        return;
      }
    }
    outgoing.writeHead(normal.status, headers).end(normal.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get notModifiedCount() { return notModifiedCount; },
    delay: (ms) => { delayMs = ms; },
    hang: () => { mode = { kind: 'hang' }; },
    fail: (status = 500) => { mode = { kind: 'fail', status }; },
    malformed: (body) => { mode = { kind: 'malformed', body }; },
    honourEtags: (on = true) => { etags = on; },
    reset: () => { mode = { kind: 'normal' }; delayMs = 0; },
    close: () => new Promise<void>((resolve) => {
      closing.abort();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** One invented story, as every fake serves it in its own shape. */
export interface UpstreamStory {
  id: string;
  title: string | null;
  /** May hold HTML, as remote summaries do. */
  summary: string | null;
  link: string | null;
  /** ISO 8601. */
  published: string;
  byline: string | null;
  section: string;
  /** ISO 3166 alpha-2. */
  country: string | null;
  language: string;
  tags: string[];
}

/** Invented stories, newest first; two cannot become items (no title; a javascript: link). */
export const STORIES: UpstreamStory[] = [
  {
    id: 'st-106', title: 'Harbour board <em>approves</em> new ferry pier', summary: '<p>The pier will take two ferries at once &amp; open in <b>spring</b>.</p>',
    link: 'https://news.example.org/coast/harbour-pier', published: '2026-03-06T09:30:00Z', byline: 'Ines Calder',
    section: 'coast', country: 'PT', language: 'pt-PT', tags: ['transport', 'harbours'],
  },
  {
    id: 'st-105', title: 'Orchard growers count a late frost', summary: 'Blossom losses are smaller than feared in the valley.',
    link: '/valley/orchard-frost', published: '2026-03-05T17:05:00Z', byline: 'Tomas Brekke',
    section: 'valley', country: 'NO', language: 'en', tags: ['farming', 'weather'],
  },
  {
    id: 'st-104', title: null, summary: 'A story its desk never titled.',
    link: 'https://news.example.org/untitled', published: '2026-03-05T08:00:00Z', byline: null,
    section: 'desk', country: null, language: 'en', tags: [],
  },
  {
    id: 'st-103', title: 'Library reopens after roof repairs', summary: null,
    link: 'javascript:alert(1)', published: '2026-03-04T12:00:00Z', byline: 'Mara Olsen',
    section: 'city', country: 'DK', language: 'da', tags: ['culture'],
  },
  {
    id: 'st-102', title: 'Night trains return to the northern line', summary: 'Sleeper carriages run three nights a week from May.',
    link: 'https://news.example.org/rail/night-trains', published: '2026-03-03T06:45:00Z', byline: 'Ines Calder',
    section: 'rail', country: 'SE', language: 'en', tags: ['transport', 'rail'],
  },
  {
    id: 'st-101', title: 'Harbour seals counted from the air', summary: 'A drone survey finds the colony has grown.',
    link: 'https://news.example.org/coast/seal-count', published: '2026-03-02T10:15:00Z', byline: 'Tomas Brekke',
    section: 'coast', country: 'NO', language: 'en', tags: ['wildlife', 'harbours'],
  },
];

/** `count` plain valid stories, newest first, one an hour back from 2026-02-01. */
export function numberedStories(count: number, prefix = 'n'): UpstreamStory[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index + 1}`, title: `Numbered story ${index + 1}`, summary: `Summary of story ${index + 1}.`,
    link: `https://news.example.org/numbered/${prefix}-${index + 1}`,
    published: new Date(Date.UTC(2026, 1, 1) - index * 3_600_000).toISOString(), byline: 'Desk',
    section: 'desk', country: null, language: 'en', tags: [],
  }));
}

/** The stories that match a search (in title or summary), a tag and a published window, newest first. */
function matching(stories: UpstreamStory[], filter: { search?: string | null; tag?: string | null; from?: string | null; to?: string | null }): UpstreamStory[] {
  const search = filter.search?.toLowerCase();
  return stories.filter((story) =>
    (!search || `${story.title ?? ''} ${story.summary ?? ''}`.toLowerCase().includes(search)) &&
    (!filter.tag || story.tags.includes(filter.tag)) &&
    (!filter.from || story.published >= filter.from) &&
    (!filter.to || story.published <= `${filter.to}\uffff`));
}

/** A fake that serves a list of stories the test may change. */
export interface StoryUpstream extends UpstreamControls {
  setStories(stories: UpstreamStory[]): void;
}

/** The GraphQL fake's schema: a Relay-style connection of stories. */
export const UPSTREAM_SCHEMA = /* GraphQL */ `
  type Query {
    stories(query: String, section: String, since: String, until: String, after: String, first: Int = 10): StoryConnection!
  }
  type StoryConnection { edges: [StoryEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type StoryEdge { cursor: String! node: Story! }
  type PageInfo { endCursor: String hasNextPage: Boolean! }
  type Story {
    id: ID!
    title: String
    summary: String
    link: String
    published: String!
    byline: String
    section: String!
    country: String
    language: String!
    tags: [String!]!
  }
`;

/** A real Apollo Server with UPSTREAM_SCHEMA at `<url>/graphql`; `section` filters by tag, cursors are offsets. */
export async function startGraphqlUpstream(initial: UpstreamStory[] = STORIES): Promise<StoryUpstream> {
  let stories = initial;
  const apollo = new ApolloServer({
    typeDefs: UPSTREAM_SCHEMA,
    introspection: true,
    resolvers: {
      Query: {
        stories: (_: unknown, args: { query?: string; section?: string; since?: string; until?: string; after?: string; first: number }) => {
          const found = matching(stories, { search: args.query, tag: args.section, from: args.since, to: args.until });
          const start = args.after ? Number(Buffer.from(args.after, 'base64url').toString()) : 0;
          const slice = found.slice(start, start + args.first);
          const cursor = (offset: number) => Buffer.from(String(offset)).toString('base64url');
          return {
            edges: slice.map((node, index) => ({ cursor: cursor(start + index + 1), node })),
            pageInfo: { endCursor: slice.length > 0 ? cursor(start + slice.length) : null, hasNextPage: start + slice.length < found.length },
            totalCount: found.length,
          };
        },
      },
    },
  });
  await apollo.start();
  const controls = await startUpstream(async (request) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: request.method, headers, search: new URL(request.path, 'http://x').search,
        body: request.body === '' ? undefined : JSON.parse(request.body),
      },
      context: async () => ({}),
    });
    const body = response.body.kind === 'complete' ? response.body.string : '';
    return { status: response.status ?? 200, contentType: response.headers.get('content-type') ?? 'application/json', body };
  });
  return {
    ...controls,
    get notModifiedCount() { return controls.notModifiedCount; },
    setStories: (next) => { stories = next; },
    close: async () => {
      await controls.close();
      await apollo.stop();
    },
  };
}

/**
 * A Guardian-like content API: `GET /search?q=&tag=&from-date=&to-date=&page=&page-size=` answers
 * `{ response: { status, total, pages, currentPage, pageSize, results } }`; a page past the last is a 400.
 */
export async function startRestUpstream(initial: UpstreamStory[] = STORIES): Promise<StoryUpstream> {
  let stories = initial;
  const controls = await startUpstream(async (request) => {
    const url = new URL(request.path, 'http://x');
    if (url.pathname !== '/search') return json(404, { response: { status: 'error', message: 'not found' } });
    const found = matching(stories, {
      search: url.searchParams.get('q'), tag: url.searchParams.get('tag'),
      from: url.searchParams.get('from-date'), to: url.searchParams.get('to-date'),
    });
    const pageSize = Number(url.searchParams.get('page-size') ?? 10);
    const page = Number(url.searchParams.get('page') ?? 1);
    const pages = Math.ceil(found.length / pageSize);
    if (page > Math.max(pages, 1)) return json(400, { response: { status: 'error', message: 'requested page is beyond the number of available pages' } });
    const results = found.slice((page - 1) * pageSize, page * pageSize).map((story) => ({
      id: `${story.section}/${story.id}`,
      webTitle: story.title,
      webUrl: story.link,
      webPublicationDate: story.published,
      sectionName: story.section,
      fields: { trailText: story.summary, byline: story.byline, lang: story.language, countryCode: story.country },
      tags: story.tags.map((tag) => ({ type: 'keyword', webTitle: tag })),
    }));
    return json(200, { response: { status: 'ok', total: found.length, pages, currentPage: page, pageSize, results } });
  });
  return { ...controls, get notModifiedCount() { return controls.notModifiedCount; }, setStories: (next) => { stories = next; } };
}

function json(status: number, body: unknown): UpstreamAnswer {
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}
