import { type Client, createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import pino from 'pino';
import WebSocket from 'ws';
import { createApiKey } from '../src/auth/api-keys';
import type { RateLimiter } from '../src/http/limits';
import { ClientRateLimiter } from '../src/http/rate-limit';
import { type Live, openLive, publishingChanges } from '../src/live';
import { figureChannel } from '../src/live/redis-events';
import { loadCodedArticle } from '../src/seed/worked-example';
import { type TestGateway, startTestGateway } from './support/gateway';
import { type RedisServer, SHARED_REDIS_URL, dropPrefix, startRedis, uniquePrefix } from './support/redis';
import { until } from './support/processes';
import { openTestStore } from './support/stores';

/*
 * Subscriptions over WebSocket (docs/subscriptions.md) as a dashboard meets them: real graphql-ws
 * clients, gateways sharing one PGlite store and one Redis (the machine's, under a prefix of this
 * file's own; a redis-server of the test's own where it is killed).
 */

type Store = Awaited<ReturnType<typeof openTestStore>>;

const FIGURES = `subscription Figures($region: ID!) {
  casualtyFigureChanged(regionId: $region) { id low outcome retractedAt location { name } article { status } }
}`;
const STATS = `subscription Stats($region: ID!) { casualtyStatsChanged(regionId: $region, filter: { outcome: [KILLED] }) { total { low } } }`;

/** One gateway with subscriptions, its live updates and what they logged. */
interface Instance {
  api: TestGateway;
  live: Live;
  logs: Record<string, any>[];
  wsUrl: string;
  stop(): Promise<void>;
}

/** A subscription's messages as they come, and how it ended. */
interface Subscription {
  next(timeoutMs?: number): Promise<{ data?: any; errors?: readonly any[] }>;
  /** Resolves with the errors the subscription ended with. */
  failed: Promise<any[]>;
  dispose(): void;
}

/** How many connections listen on this file's channel of the Redis at `url`. */
async function channelSubscribers(url: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    const [, count] = await redis.pubsub('NUMSUB', figureChannel(prefix)) as [string, number];
    return Number(count);
  } catch {
    return 0;
  } finally {
    redis.disconnect();
  }
}

let t: Store;
let editor: string;
let balochistan: string;
let quettaDistrict: string;
const prefix = uniquePrefix('subs');
const instances: Instance[] = [];
const clients: Client[] = [];

interface InstanceOptions {
  limits?: { perConnection?: number; perAddress?: number };
  maxDepth?: number;
  rateLimiter?: RateLimiter;
}

async function instance(redisUrl: string | null, options: InstanceOptions = {}): Promise<Instance> {
  const logs: Record<string, any>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line)); } });
  const live = openLive({ store: t.store, log, redis: redisUrl ? { url: redisUrl, prefix } : null, statsDebounceMs: 50 });
  expect(await live.ready(5000)).toBe(true);
  const api = await startTestGateway(publishingChanges(t.store, live.events), {
    live: { updates: live.updates, limits: options.limits },
    http: { limits: { maxDepth: options.maxDepth }, rateLimiter: options.rateLimiter },
  });
  const made: Instance = {
    api, live, logs, wsUrl: api.url.replace(/^http/, 'ws'),
    async stop() {
      await api.stop();
      await live.close();
    },
  };
  instances.push(made);
  return made;
}

function client(at: Instance, authorization?: string, onClosed?: (code: number, reason: string) => void): Client {
  const made = createClient({
    url: at.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false,
    connectionParams: authorization ? { authorization } : {},
    on: { closed: (event) => onClosed?.((event as { code: number }).code, String((event as { reason: string }).reason)) },
    onNonLazyError: () => undefined,
  });
  clients.push(made);
  return made;
}

function subscribe(on: Client, query: string, variables: Record<string, unknown>): Subscription {
  const queue: { data?: any; errors?: readonly any[] }[] = [];
  let waiting: ((value: { data?: any; errors?: readonly any[] }) => void) | null = null;
  let fail!: (errors: any[]) => void;
  const failed = new Promise<any[]>((resolve) => { fail = resolve; });
  const dispose = on.subscribe({ query, variables }, {
    next: (value) => {
      if (waiting) { waiting(value); waiting = null; } else queue.push(value);
    },
    error: (error) => fail(Array.isArray(error) ? error : [error]),
    complete: () => undefined,
  });
  return {
    failed,
    dispose,
    next: (timeoutMs = 5000) => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
        waiting = (value) => { clearTimeout(timer); resolve(value); };
      });
    },
  };
}

/** Resolves once `at` holds `count` subscriptions (the server has accepted them). */
async function subscribed(at: Instance, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (at.live.updates.size < count) {
    if (Date.now() > deadline) throw new Error(`${at.live.updates.size} subscriptions, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function asEditor(at: Instance, query: string, variables: Record<string, unknown>) {
  const answer = await at.api.gql(query, variables, { authorization: editor });
  expect(answer.errors).toBeUndefined();
  return answer.data;
}

async function article(at: Instance, slug: string, status: 'PUBLISHED' | 'DRAFT'): Promise<string> {
  const data = await asEditor(at, 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }', {
    input: { headline: `Live ${slug}`, slug, body: 'Seven people were killed.\n\nOfficials said so.', status, locationIds: [balochistan] },
  });
  return data.createArticle.id;
}

async function addFigure(at: Instance, articleId: string, number: number, locationId = quettaDistrict): Promise<string> {
  const data = await asEditor(at, 'mutation($a: ID!, $input: CasualtyFigureInput!) { addCasualtyFigure(articleId: $a, input: $input) { id } }', {
    a: articleId,
    input: { outcome: 'KILLED', group: 'CIVILIANS', qualifier: 'EXACT', number, claimantType: 'OFFICIAL', verification: 'REPORTED', quote: 'Seven people were killed.', locationId },
  });
  return data.addCasualtyFigure.id;
}

beforeAll(async () => {
  t = await openTestStore('pglite');
  await loadCodedArticle(t.store);
  [balochistan] = (await t.store.locationsByIsoCodes(['PK-BA'])).map((place) => place!.id);
  quettaDistrict = (await t.store.locationsByNames(['Quetta District']))[0][0].id;
  editor = `Bearer ${(await createApiKey(t.store, 'Live desk', 'editor')).key}`;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await Promise.all(instances.splice(0).map((i) => i.stop()));
});

afterAll(async () => {
  await t?.dispose();
  await dropPrefix(prefix);
});

describe('subscriptions across two gateway instances sharing Redis', () => {
  it('tells a dashboard subscribed to Balochistan on one instance of a figure added in Quetta District on the other', async () => {
    const a = await instance(SHARED_REDIS_URL);
    const b = await instance(SHARED_REDIS_URL);
    const publishedId = await article(b, 'two-instances', 'PUBLISHED');
    const dashboard = subscribe(client(a), FIGURES, { region: balochistan });
    await subscribed(a, 1);
    const sent = Date.now();
    const figureId = await addFigure(b, publishedId, 7);
    const written = Date.now();
    const message = await dashboard.next(5000);
    const heard = Date.now();
    expect(message.data.casualtyFigureChanged).toEqual({
      id: figureId, low: 7, outcome: 'KILLED', retractedAt: null, location: { name: 'Quetta District' }, article: { status: 'PUBLISHED' },
    });
    // Reported, not asserted tightly: the bound is a second on a quiet machine.
    console.log(`subscription latency: ${heard - written} ms after the mutation's answer, ${heard - sent} ms after it was sent`);
    expect(heard - written).toBeLessThan(5000);
  });

  it('shows the public accepted figures of published articles only, and an editor every figure', async () => {
    const a = await instance(SHARED_REDIS_URL);
    const b = await instance(SHARED_REDIS_URL);
    const draftId = await article(b, 'a-draft', 'DRAFT');
    const publishedId = await article(b, 'published-later', 'PUBLISHED');
    const publicDashboard = subscribe(client(a), FIGURES, { region: balochistan });
    const editorDashboard = subscribe(client(a, editor), FIGURES, { region: balochistan });
    await subscribed(a, 2);
    const hidden = await addFigure(b, draftId, 3);
    const shown = await addFigure(b, publishedId, 5);
    expect((await editorDashboard.next()).data.casualtyFigureChanged).toMatchObject({ id: hidden, article: { status: 'DRAFT' } });
    expect((await editorDashboard.next()).data.casualtyFigureChanged.id).toBe(shown);
    // The draft's figure was dispatched first; the public's first message is the published one.
    expect((await publicDashboard.next()).data.casualtyFigureChanged.id).toBe(shown);
  });

  it('sends a region\'s statistics at once, then again counted with a figure added on the other instance', async () => {
    const a = await instance(SHARED_REDIS_URL);
    const b = await instance(SHARED_REDIS_URL);
    const publishedId = await article(b, 'stats-live', 'PUBLISHED');
    const stats = subscribe(client(a), STATS, { region: balochistan });
    const before = (await stats.next()).data.casualtyStatsChanged.total.low;
    await addFigure(b, publishedId, 11);
    await addFigure(b, publishedId, 2);
    let after = (await stats.next()).data.casualtyStatsChanged.total.low;
    // Both writes may be counted in one answer, or in two.
    if (after !== before + 13) after = (await stats.next()).data.casualtyStatsChanged.total.low;
    expect(after).toBe(before + 13);
  });
});

describe('refusals', () => {
  it('closes a connection with a key that is not one, with 4401 and the reason', async () => {
    const a = await instance(null);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      client(a, 'Bearer ngk_nonsense', (code, reason) => resolve({ code, reason }));
    });
    expect(await closed).toEqual({ code: 4401, reason: expect.stringContaining('API key') });
  });

  it('refuses a subscription past the connection\'s limit with SUBSCRIPTION_LIMIT_EXCEEDED, and takes one again once another ends', async () => {
    const a = await instance(null, { limits: { perConnection: 2 } });
    const one = client(a);
    const first = subscribe(one, FIGURES, { region: balochistan });
    subscribe(one, FIGURES, { region: quettaDistrict });
    await subscribed(a, 2);
    const third = subscribe(one, FIGURES, { region: balochistan });
    const [error] = await third.failed;
    expect(error.extensions).toMatchObject({ code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: 2 });
    expect(error.message).toMatch(/this connection already holds 2 subscriptions/);
    first.dispose();
    await new Promise((resolve) => setTimeout(resolve, 100));
    subscribe(one, FIGURES, { region: balochistan });
    await subscribed(a, 2);
  });

  it('holds subscriptions sent together to the connection\'s limit', async () => {
    const a = await instance(null, { limits: { perConnection: 2 } });
    const one = client(a);
    const burst = Array.from({ length: 5 }, () => subscribe(one, FIGURES, { region: balochistan }));
    const refused = await Promise.all(burst.slice(2).map((subscription) => subscription.failed.then(([error]) => error.extensions.code)));
    expect(refused).toEqual(Array(3).fill('SUBSCRIPTION_LIMIT_EXCEEDED'));
    await subscribed(a, 2);
  });

  it('refuses a subscription past the address\'s limit, over all its connections', async () => {
    const a = await instance(null, { limits: { perAddress: 2 } });
    subscribe(client(a), FIGURES, { region: balochistan });
    subscribe(client(a), FIGURES, { region: quettaDistrict });
    await subscribed(a, 2);
    const [error] = await subscribe(client(a), FIGURES, { region: balochistan }).failed;
    expect(error.extensions).toMatchObject({ code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: 2 });
    expect(error.message).toMatch(/your address already holds 2 subscriptions/);
  });

  it('charges a subscription\'s cost to the rate limits when it starts, and refuses past the budget with RATE_LIMITED', async () => {
    // FIGURES costs 9: one budget of 12 points admits one, not two.
    const limiter = new ClientRateLimiter({ publicPoints: 12 });
    const a = await instance(null, { rateLimiter: limiter.limit });
    subscribe(client(a), FIGURES, { region: balochistan });
    await subscribed(a, 1);
    const [error] = await subscribe(client(a), FIGURES, { region: balochistan }).failed;
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 12 });
    await limiter.close();
  });

  it('holds subscription documents to the depth limit queries are held to', async () => {
    const a = await instance(null, { maxDepth: 3 });
    const deep = subscribe(client(a), 'subscription($r: ID!) { casualtyFigureChanged(regionId: $r) { location { parent { parent { name } } } } }', { r: balochistan });
    const [error] = await deep.failed;
    expect(error.extensions.code).toBe('DEPTH_LIMIT_EXCEEDED');
  });

  it('refuses a subscription over HTTP with BAD_REQUEST, saying it is served over WebSocket', async () => {
    const a = await instance(null);
    const answer = await a.api.gql('subscription($r: ID!) { casualtyFigureChanged(regionId: $r) { id } }', { r: balochistan });
    expect(answer.status).toBe(400);
    expect(answer.errors![0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/over WebSocket at this same URL/) });
  });

  it('refuses queries over WebSocket: they go over HTTP', async () => {
    const a = await instance(null);
    const query = subscribe(client(a), '{ __typename }', {});
    const [error] = await query.failed;
    expect(error.extensions.code).toBe('BAD_REQUEST');
  });
});

describe('a Redis outage', () => {
  let redis: RedisServer;
  beforeAll(async () => { redis = await startRedis(); });
  afterAll(async () => { await redis?.stop(); });

  it('leaves the gateway serving, with this instance\'s changes still delivered and the loss logged; then hears the others again', async () => {
    const a = await instance(redis.url);
    const b = await instance(redis.url);
    const publishedId = await article(a, 'during-outage', 'PUBLISHED');
    const dashboard = subscribe(client(a), FIGURES, { region: balochistan });
    await subscribed(a, 1);
    await redis.kill();
    const local = await addFigure(a, publishedId, 9);
    expect((await dashboard.next()).data.casualtyFigureChanged.id).toBe(local);
    expect(a.logs.some((line) => /Redis connection lost/.test(line.msg))).toBe(true);
    expect((await a.api.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });

    await redis.restart();
    await until(async () => await channelSubscribers(redis.url) === 2, 'both instances to listen again', 10_000);
    expect(a.logs.some((line) => /Redis is back/.test(line.msg))).toBe(true);
    const remote = await addFigure(b, publishedId, 4);
    expect((await dashboard.next()).data.casualtyFigureChanged.id).toBe(remote);
  });
});

describe('shutdown', () => {
  it('closes open subscriptions\' sockets when the gateway stops', async () => {
    const a = await instance(null);
    const closed = new Promise<number>((resolve) => { subscribe(client(a, undefined, (code) => resolve(code)), FIGURES, { region: balochistan }); });
    await subscribed(a, 1);
    await a.api.stop();
    expect(await closed).toBe(1001);
    expect(a.live.updates.size).toBe(0);
  });
});
