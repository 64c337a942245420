import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type FeedFormat = 'rss' | 'atom';

/** The two documents written for the tests (test/fixtures/feeds/). */
export const FEED_FIXTURES: Record<FeedFormat, string> = {
  rss: readFileSync(join(__dirname, '..', 'fixtures', 'feeds', 'wire.rss.xml'), 'utf8'),
  atom: readFileSync(join(__dirname, '..', 'fixtures', 'feeds', 'wire.atom.xml'), 'utf8'),
};

/** What `malformed()` sends unless told otherwise: a feed cut off inside a tag. */
export const TRUNCATED_FEED = '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Harbour Wire</title><item><title>Floodwaters rec</ti';

/**
 * A feed server on a free loopback port, serving the RSS fixture at `rssUrl` and the Atom one at
 * `atomUrl`, that a test tells how to misbehave. Every control holds for both feeds until `reset()`.
 * Validators are honoured from the start: each answer carries an `ETag` (a hash of the body) and a
 * `Last-Modified` (when the document last changed), and a request whose `If-None-Match` matches, or
 * (without one) whose `If-Modified-Since` is not older, is answered 304 and counted.
 */
export interface FeedUpstream {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly rssUrl: string;
  readonly atomUrl: string;
  /** Every request that reached the server, and the 304s it answered. */
  readonly counts: { requests: number; notModified: number };
  /** The headers of the last request that reached the server. */
  readonly lastHeaders: IncomingHttpHeaders | null;
  /** Waits `ms` before each answer. */
  delay(ms: number): void;
  /** Takes each request and never answers it (until `reset()` or `close()`). */
  hang(): void;
  /** Answers every request with `status` and a short HTML body. */
  fail(status: number): void;
  /** Answers 200 with `body` (a feed cut off inside a tag unless given) as `application/rss+xml`. */
  malformed(body?: string): void;
  /** Serves `document` as the feed in `format` from now on (a new ETag and Last-Modified). */
  change(format: FeedFormat, document: string): void;
  /** Adds `entry` (an `<item>` or `<entry>`) as the first entry of the feed in `format`. */
  addItem(format: FeedFormat, entry: string): void;
  /** Adds an XML comment of `bytes` bytes to each document (it stays a valid feed). */
  pad(bytes: number): void;
  /** Off: answers carry no validators and conditional headers are ignored (every answer is a 200). */
  honourValidators(on: boolean): void;
  /** Back to the fixtures, answering at once, validators honoured, counts at zero; hung requests are ended. */
  reset(): void;
  close(): Promise<void>;
}

const PATHS: Record<string, FeedFormat> = { '/feeds/wire.rss': 'rss', '/feeds/wire.atom': 'atom' };
const CONTENT_TYPES: Record<FeedFormat, string> = { rss: 'application/rss+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8' };

interface Behaviour {
  delayMs: number;
  hang: boolean;
  failStatus: number | null;
  malformedBody: string | null;
  paddingBytes: number;
  validators: boolean;
}

const NORMAL: Behaviour = { delayMs: 0, hang: false, failStatus: null, malformedBody: null, paddingBytes: 0, validators: true };

/** `time` to the whole second, as `Last-Modified` carries it. */
const toSecond = (time: number) => Math.floor(time / 1000) * 1000;

export async function startFeedUpstream(): Promise<FeedUpstream> {
  let behaviour: Behaviour = { ...NORMAL };
  const documents = { ...FEED_FIXTURES };
  const modifiedAt: Record<FeedFormat, number> = { rss: toSecond(Date.now()), atom: toSecond(Date.now()) };
  const counts = { requests: 0, notModified: 0 };
  const hung = new Set<ServerResponse>();

  function body(format: FeedFormat): string {
    const padding = behaviour.paddingBytes > 0 ? `\n<!--${'x'.repeat(behaviour.paddingBytes)}-->\n` : '';
    return documents[format] + padding;
  }

  function answer(format: FeedFormat, request: IncomingMessage, response: ServerResponse): void {
    if (behaviour.failStatus !== null) {
      response.writeHead(behaviour.failStatus, { 'content-type': 'text/html' }).end('<html><body>Service unavailable</body></html>');
      return;
    }
    if (behaviour.malformedBody !== null) {
      response.writeHead(200, { 'content-type': CONTENT_TYPES.rss }).end(behaviour.malformedBody);
      return;
    }
    const text = body(format);
    if (!behaviour.validators) {
      response.writeHead(200, { 'content-type': CONTENT_TYPES[format] }).end(text);
      return;
    }
    const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 22)}"`;
    const lastModified = new Date(modifiedAt[format]).toUTCString();
    const validators = { etag, 'last-modified': lastModified };
    if (isFresh(request, etag, modifiedAt[format])) {
      counts.notModified += 1;
      response.writeHead(304, validators).end();
      return;
    }
    response.writeHead(200, { ...validators, 'content-type': CONTENT_TYPES[format] }).end(text);
  }

  let lastHeaders: IncomingHttpHeaders | null = null;
  const server = createServer((request, response) => {
    counts.requests += 1;
    lastHeaders = request.headers;
    const format = PATHS[new URL(request.url ?? '/', 'http://upstream').pathname];
    if (format === undefined) {
      response.writeHead(404).end();
      return;
    }
    if (behaviour.hang) {
      hung.add(response);
      response.once('close', () => hung.delete(response));
      return;
    }
    const reply = () => answer(format, request, response);
    if (behaviour.delayMs > 0) setTimeout(reply, behaviour.delayMs);
    else reply();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function change(format: FeedFormat, document: string): void {
    documents[format] = document;
    modifiedAt[format] = Math.max(toSecond(Date.now()), modifiedAt[format] + 1000);
  }

  function endHung(): void {
    for (const response of hung) response.destroy();
    hung.clear();
  }

  return {
    url,
    rssUrl: `${url}/feeds/wire.rss`,
    atomUrl: `${url}/feeds/wire.atom`,
    counts,
    get lastHeaders() {
      return lastHeaders;
    },
    delay: (ms) => { behaviour.delayMs = ms; },
    hang: () => { behaviour.hang = true; },
    fail: (status) => { behaviour.failStatus = status; },
    malformed: (text = TRUNCATED_FEED) => { behaviour.malformedBody = text; },
    change,
    addItem(format, entry) {
      const first = documents[format].search(format === 'rss' ? /<item[\s>]/ : /<entry[\s>]/);
      const at = first === -1 ? documents[format].lastIndexOf(format === 'rss' ? '</channel>' : '</feed>') : first;
      change(format, `${documents[format].slice(0, at)}${entry}\n${documents[format].slice(at)}`);
    },
    pad: (bytes) => { behaviour.paddingBytes = bytes; },
    honourValidators: (on) => { behaviour.validators = on; },
    reset() {
      endHung();
      behaviour = { ...NORMAL };
      for (const format of ['rss', 'atom'] as const) {
        if (documents[format] !== FEED_FIXTURES[format]) change(format, FEED_FIXTURES[format]);
      }
      counts.requests = 0;
      counts.notModified = 0;
      lastHeaders = null;
    },
    async close() {
      endHung();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** RFC 9110: `If-None-Match` decides when present (weak comparison); else `If-Modified-Since`. */
function isFresh(request: IncomingMessage, etag: string, modifiedAt: number): boolean {
  const noneMatch = request.headers['if-none-match'];
  if (noneMatch !== undefined) {
    const strip = (tag: string) => tag.trim().replace(/^W\//, '');
    return noneMatch.trim() === '*' || noneMatch.split(',').some((tag) => strip(tag) === strip(etag));
  }
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && modifiedAt <= since;
}

/** One entry of a feed written by a test: `date` null for an undated entry. */
export interface FeedEntry {
  id: string;
  title: string;
  date: Date | null;
  description?: string;
  categories?: string[];
}

/** An RSS 2.0 document with `entries` in the order given (links under https://wire.example/). */
export function rssDocument(entries: FeedEntry[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0"><channel><title>Harbour Wire</title><link>https://wire.example/</link><description>Test feed</description>',
    ...entries.map(rssItem),
    '</channel></rss>',
  ].join('\n');
}

/** One `<item>` of `rssDocument`, for `addItem`. */
export function rssItem(entry: FeedEntry): string {
  return [
    '<item>',
    `<title>${escapeXml(entry.title)}</title>`,
    `<link>https://wire.example/test/${encodeURIComponent(entry.id)}</link>`,
    `<guid isPermaLink="false">${escapeXml(entry.id)}</guid>`,
    entry.date ? `<pubDate>${entry.date.toUTCString()}</pubDate>` : '',
    entry.description ? `<description>${escapeXml(entry.description)}</description>` : '',
    ...(entry.categories ?? []).map((category) => `<category>${escapeXml(category)}</category>`),
    '</item>',
  ].join('');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
