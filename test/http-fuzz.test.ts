import { gzipSync } from 'node:zlib';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';
import { type Random, generator } from './support/random';
import { collector, settledHeap } from './support/heap';

/** Bounds: a few thousand requests, 16 at a time, each answered within 5 s. */
const REQUESTS = 3_000;
const CONCURRENCY = 16;
const ANSWER_WITHIN_MS = 5_000;
/** Heap growth allowed between the end of the warm-up and the end of the run, after a full GC. */
const HEAP_TOLERANCE_BYTES = 16 * 2 ** 20;
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_124);

/** One request to send: everything fetch needs. */
interface Probe {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
}

const FIELDS = ['articles', 'authors', 'locations', 'casualtyFigures', 'article', 'author', 'location', '__typename', 'nope'];
const INNER = ['totalCount', 'edges { node { id } }', 'pageInfo { hasNextPage endCursor }', 'id', 'name', 'headline', '__typename', 'x'];
const ODD_VALUES: unknown[] = [null, 0, -1, 1e308, true, 'string', '', [], [1, 'a'], {}, { a: { b: [null] } }, '\u0000\ud800', 'ñ'.repeat(50)];
const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/graphql-response+json', 'application/json; charset=latin1'];
const OTHER_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', ''];
const ACCEPTS = ['application/json', 'application/graphql-response+json', '*/*', 'text/html', 'image/png', ''];

function randomBytes(random: Random, length: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length }, () => random.int(256));
}

function randomGraphQL(random: Random): string {
  const selections = Array.from({ length: 1 + random.int(4) }, () => {
    const field = random.pick(FIELDS);
    const args = random.int(3) === 0 ? `(first: ${random.pick([0, 1, 5, 100, 101, -3, 'null', '"x"'])})` : '';
    return `${random.int(4) === 0 ? `a${random.int(9)}: ` : ''}${field}${args} { ${random.pick(INNER)} }`;
  });
  return `${random.pick(['', 'query ', 'query Q ', 'mutation M ', 'subscription S '])}{ ${selections.join(' ')} }`;
}

/** Mangles a string: cuts it, or swaps a few characters for random ones. */
function mangle(random: Random, text: string): string {
  if (random.int(2) === 0) return text.slice(0, random.int(text.length));
  const chars = [...text];
  for (let i = 0; i < 1 + random.int(4); i += 1) chars[random.int(chars.length)] = String.fromCharCode(random.int(0x3000));
  return chars.join('');
}

const nested = (open: string, close: string, depth: number, core = '') => open.repeat(depth) + core + close.repeat(depth);

/** The kinds of bad (and good) requests, each a function of the generator. */
const PROBES: ((random: Random) => Probe)[] = [
  (random) => ({ kind: 'random bytes', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: randomBytes(random, random.int(2_000)) }),
  (random) => ({ kind: 'mangled JSON', method: 'POST', path: '/graphql', headers: { 'content-type': random.pick(JSON_TYPES) },
    body: mangle(random, JSON.stringify({ query: randomGraphQL(random), variables: { a: 1 }, operationName: 'Q' })) }),
  (random) => ({ kind: 'wrong types', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: random.int(3) === 0 ? randomGraphQL(random) : random.pick(ODD_VALUES), variables: random.pick(ODD_VALUES),
      operationName: random.pick(ODD_VALUES), extensions: random.pick(ODD_VALUES) }) }),
  (random) => ({ kind: 'random GraphQL', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', accept: random.pick(ACCEPTS) },
    body: JSON.stringify({ query: randomGraphQL(random) }) }),
  (random) => ({ kind: 'mangled GraphQL', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: mangle(random, randomGraphQL(random)) }) }),
  (random) => ({ kind: 'huge string', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ articles(filter: { search: "${'x'.repeat(50_000 + random.int(80_000))}" }) { totalCount } }` }) }),
  (random) => ({ kind: 'deep JSON', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' },
    body: `{"query":"{ __typename }","variables":${nested('{"a":', '}', 1_000 + random.int(20_000), '1')}}` }),
  (random) => ({ kind: 'deep array', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: nested('[', ']', 1_000 + random.int(40_000)) }),
  (random) => ({ kind: 'deep GraphQL', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: nested('{ a ', '}', 10 + random.int(5_000)) }) }),
  (random) => ({ kind: 'deep variables', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' },
    body: `{"query":"query($f: ArticleFilter) { articles(filter: $f) { totalCount } }","variables":{"f":${nested('{"search":', '}', 1 + random.int(5_000), '"x"')}}}` }),
  (random) => ({ kind: 'many aliases', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ ${Array.from({ length: random.int(3_000) }, (_, i) => `a${i}: __typename`).join(' ')} }` }) }),
  (random) => ({ kind: 'other content type', method: 'POST', path: '/graphql', headers: random.int(5) === 0 ? {} as Record<string, string> : { 'content-type': random.pick(OTHER_TYPES) },
    body: random.int(2) === 0 ? JSON.stringify({ query: '{ __typename }' }) : randomBytes(random, random.int(500)) }),
  (random) => ({ kind: 'bad encoding', method: 'POST', path: '/graphql',
    headers: { 'content-type': 'application/json', 'content-encoding': random.pick(['gzip', 'deflate', 'br', 'zstd', 'x-nope']) },
    body: random.int(2) === 0 ? randomBytes(random, random.int(300)) : new Uint8Array(gzipSync(`{"query":"{ __typename }"${' '.repeat(random.int(300_000))}}`)) }),
  (random) => ({ kind: 'GET', method: 'GET',
    path: `/graphql?${random.pick(['query=', 'query=%7B__typename%7D&', 'variables=%7B', 'operationName[]=x&', '%ZZ', 'query=' + '%7B'.repeat(200)])}${random.int(1e6)}`,
    headers: { accept: random.pick(ACCEPTS), ...(random.int(2) === 0 ? { 'apollo-require-preflight': '1' } : {}) } }),
  (random) => ({ kind: 'other method', method: random.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS']), path: '/graphql', headers: { 'content-type': 'application/json' },
    body: random.int(2) === 0 ? JSON.stringify({ query: '{ __typename }' }) : undefined }),
  (random) => ({ kind: 'odd headers', method: 'POST', path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: random.pick(['Bearer', 'Bearer x', 'Basic abc', `Bearer ngk_${'0'.repeat(16)}_${'a'.repeat(43)}`, 'Bearer \u00ff\u00e9']),
      'x-request-id': random.pick(['ok-1', 'a'.repeat(500), 'bad id', '']) },
    body: JSON.stringify({ query: '{ authors { totalCount } }' }) }),
];

/** What is kept of a request that got an unacceptable answer: enough to replay it by hand. */
interface Failure {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  status: number;
  type: string;
  error?: string;
}

/** What a run leaves: statuses by kind, and the first few failures (bodies are not kept). */
interface Tally {
  sent: number;
  statuses: Map<string, Map<number, number>>;
  failures: Failure[];
}

/** An answer is acceptable when it is a 200 or a 4xx, in JSON (a 204 to a CORS preflight is empty). */
function acceptable(method: string, status: number, type: string): boolean {
  if (method === 'OPTIONS' && status === 204) return true;
  return (status === 200 || (status >= 400 && status < 500)) && /json/.test(type);
}

/** Sends one probe and records its outcome in `tally`; never rejects (a failure is an outcome). */
async function send(url: string, probe: Probe, tally: Tally): Promise<void> {
  let status = 0;
  let type = '';
  let error: string | undefined;
  try {
    const response = await fetch(new URL(probe.path, url), {
      method: probe.method, headers: probe.headers, body: probe.body, signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    status = response.status;
    type = response.headers.get('content-type') ?? '';
    const text = await response.text();
    if (/json/.test(type)) JSON.parse(text);
  } catch (caught) {
    error = (caught as Error).message;
  }
  tally.sent += 1;
  const statuses = tally.statuses.get(probe.kind) ?? new Map<number, number>();
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  tally.statuses.set(probe.kind, statuses);
  if ((error || !acceptable(probe.method, status, type)) && tally.failures.length < 5) {
    const { body, ...request } = probe;
    tally.failures.push({
      ...request, status, type, error,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body.slice(0, 200) : `${body.length} bytes` }),
    });
  }
}

/** Sends `count` probes, CONCURRENCY at a time, each made just before it is sent. */
async function runProbes(url: string, random: Random, count: number, tally: Tally): Promise<void> {
  let made = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (made < count) {
      made += 1;
      await send(url, random.pick(PROBES)(random), tally);
    }
  }));
}

describe('fuzzing the HTTP endpoint', () => {
  const t = gatewaysOverWorkedExample();
  let api: TestGateway;
  beforeAll(async () => {
    // Small document and response caches, so that they are full after the warm-up and what grows
    // after is a leak. The response cache reads bodies itself before Express does: fuzz that too.
    api = await t.gateway({
      production: true, http: { documentCacheBytes: 2 ** 20, responseCache: { ttlMs: 500, maxBytes: 2 ** 20 } },
    });
  });

  it(`answers ${REQUESTS} random and malformed requests with JSON 200s and 4xxs, stays up, and keeps its memory`, async () => {
    const random = generator(SEED);
    const gc = collector();
    const tally: Tally = { sent: 0, statuses: new Map(), failures: [] };
    await runProbes(api.url, random, REQUESTS / 3, tally);
    api.logs.length = 0;
    const heapBefore = settledHeap(gc);
    await runProbes(api.url, random, REQUESTS - tally.sent, tally);
    api.logs.length = 0;
    const heapAfter = settledHeap(gc);

    console.log(`fuzz (FUZZ_SEED=${SEED}): ${tally.sent} requests; heap after the warm-up ${(heapBefore / 2 ** 20).toFixed(1)} MiB, ` +
      `at the end ${(heapAfter / 2 ** 20).toFixed(1)} MiB\n${[...tally.statuses].map(([kind, statuses]) =>
        `  ${kind.padEnd(20)} ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}`).join('\n')}`);

    expect(tally.failures).toEqual([]);
    expect(tally.sent).toBe(REQUESTS);
    expect([...tally.statuses.values()].some((statuses) => statuses.has(200))).toBe(true);
    expect(heapAfter - heapBefore).toBeLessThan(HEAP_TOLERANCE_BYTES);

    expect((await fetch(new URL('/healthz', api.url))).status).toBe(200);
    const still = await api.gql('{ articles { edges { node { headline } } } }');
    expect(still.data.articles.edges).toHaveLength(1);
  }, 90_000);
});
