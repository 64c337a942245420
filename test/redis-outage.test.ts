import { createApiKey } from '../src/auth/api-keys';
import { loadCodedArticle } from '../src/seed/worked-example';
import type { SqlStore } from '../src/store/sql-store';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process';
import { until } from './support/processes';
import { type RedisServer, startRedis, uniquePrefix } from './support/redis';
import { TEST_DATABASE_URL, postgresAvailable } from './support/services';
import { type TestDb, openTestStore } from './support/stores';

/*
 * Redis hung and Redis down under two real gateways (`src/main.ts` in child processes, CACHE=layered
 * by default with REDIS_URL) sharing one PostgreSQL schema and one redis-server of the test's own,
 * which the test pauses and kills. See docs/caching.md, "Redis outages", for the behaviour and the bounds
 * checked here.
 */

const HEADLINE = 'query Headline($id: ID!) { article(id: $id) { headline } }';

/**
 * The documented bound (docs/caching.md) on seeing another instance's write once Redis answers again, with the defaults:
 * a reconnection, the breaker's cooldown, and a check of the write marker by the writer (which then
 * bumps again there the tags it could not) and by the reader.
 */
const RECONNECT_MS = 1000;
const BREAKER_COOLDOWN_MS = 1000;
const SYNC_INTERVAL_MS = 250;
const OPERATION_TIMEOUT_MS = 200;
const AFTER_RETURN_MS = RECONNECT_MS + BREAKER_COOLDOWN_MS + 2 * (SYNC_INTERVAL_MS + OPERATION_TIMEOUT_MS);
/** How long records are kept in process (CACHE_L1_TTL_SECONDS): answers computed from them are that much older. */
const L1_MS = 1000;
/** Room for a busy two-core machine: child processes, Redis, PostgreSQL and the load share it. */
const SLACK_MS = 1500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The samples of a Prometheus exposition whose name and labels start with `prefix`, summed. */
async function metric(gateway: GatewayProcess, prefix: string): Promise<number> {
  const text = await (await gateway.get('/metrics')).text();
  return text.split('\n').filter((line) => line.startsWith(prefix)).reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** What a load loop saw of one gateway. */
interface Seen {
  /** Requests answered. */
  answered: number;
  /** Every answer that was not a 200 with the headline, described. */
  failures: string[];
  /** When each headline was first answered (epoch ms). */
  firstSeen: Map<string, number>;
}

/**
 * Steady load on each gateway, from `loops` concurrent clients each (every one waits 10 ms between
 * requests), asking for the headline of `id` as the public.
 */
function steadyLoad(gateways: GatewayProcess[], id: string, loops: number) {
  let running = true;
  const seen: Seen[] = gateways.map(() => ({ answered: 0, failures: [], firstSeen: new Map() }));
  const body = JSON.stringify({ query: HEADLINE, variables: { id } });
  const clients = gateways.flatMap((gateway, g) => Array.from({ length: loops }, async () => {
    while (running) {
      try {
        const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const answer = await response.json() as { data?: { article?: { headline: string } }; errors?: unknown };
        const headline = answer.data?.article?.headline;
        if (response.status !== 200 || answer.errors || !headline) seen[g].failures.push(`${response.status} ${JSON.stringify(answer)}`);
        else if (!seen[g].firstSeen.has(headline)) seen[g].firstSeen.set(headline, Date.now());
        seen[g].answered += 1;
      } catch (error) {
        seen[g].failures.push(String(error));
      }
      await sleep(10);
    }
  }));
  return {
    seen,
    async stop() {
      running = false;
      await Promise.all(clients);
    },
  };
}

/** Requests answered and response-cache hits of `gateway`, so far. */
async function tally(gateway: GatewayProcess, seen: Seen): Promise<{ answered: number; hits: number }> {
  const answered = seen.answered;
  return { answered, hits: await metric(gateway, 'newsgate_response_cache_hits_total') };
}

/** The share of answers between two tallies that came from the response cache. */
function hitShare(before: { answered: number; hits: number }, after: { answered: number; hits: number }): number {
  return (after.hits - before.hits) / (after.answered - before.answered);
}

(postgresAvailable() ? describe : describe.skip)('Redis outages under two gateways', () => {
  let t: TestDb & { store: SqlStore };
  let articleId: string;
  let editor: string;

  beforeAll(async () => {
    t = await openTestStore('postgres');
    articleId = await loadCodedArticle(t.store);
    editor = `Bearer ${(await createApiKey(t.store, 'Desk', 'editor')).key}`;
  });
  afterAll(async () => {
    await t?.dispose();
  });

  /** The public's headline from `gateway`. */
  async function headline(gateway: GatewayProcess): Promise<string> {
    const response = await fetch(gateway.url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: HEADLINE, variables: { id: articleId } }),
    });
    const answer = await response.json() as { data: { article: { headline: string } }; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    return answer.data.article.headline;
  }

  /** Retitles the article through `gateway`, with an editor's key; resolves once the write has returned. */
  async function retitle(gateway: GatewayProcess, title: string): Promise<void> {
    const [article] = await t.store.articlesByIds([articleId]);
    const response = await fetch(gateway.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: editor },
      body: JSON.stringify({
        query: 'mutation ($id: ID!, $v: Int!, $h: String!) { updateArticle(id: $id, version: $v, input: { headline: $h }) { headline } }',
        variables: { id: articleId, v: article!.version, h: title },
      }),
    });
    const answer = await response.json() as { errors?: unknown };
    expect(answer.errors).toBeUndefined();
  }

  /** Two gateways over one redis-server of the test's own, with `env` (the defaults otherwise). */
  function pair(env: Record<string, string> = {}) {
    const state = {} as { server: RedisServer; a: GatewayProcess; b: GatewayProcess };
    beforeAll(async () => {
      state.server = await startRedis();
      const settings = {
        DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: t.schema!, REDIS_URL: state.server.url,
        CACHE_PREFIX: uniquePrefix('outage'), SEED_WORKED_EXAMPLE: 'false', LOG_LEVEL: 'warn',
        // Rate limits stay on (budgets in the same Redis, failing open), too large to run out here.
        RATE_LIMIT_PUBLIC_POINTS: String(1e9), ...env,
      };
      [state.a, state.b] = await Promise.all([startGatewayProcess(settings), startGatewayProcess(settings)]);
      // Both answer from process (a check of the write marker vouches) before anything breaks.
      for (const gateway of [state.a, state.b]) {
        await until(async () => {
          await headline(gateway);
          const hits = await metric(gateway, 'newsgate_response_cache_hits_total');
          await headline(gateway);
          return await metric(gateway, 'newsgate_response_cache_hits_total') > hits;
        }, 'answers from process', 15_000);
      }
    }, 90_000);
    afterAll(async () => {
      await Promise.all([state.a?.stop(), state.b?.stop()]);
      await state.server?.stop();
    });
    return state;
  }

  describe('with the default grace (30 s)', () => {
    const s = pair();

    it('reports a hung Redis in /readyz and /metrics within about the operation timeout, and takes a write made meanwhile once it wakes', async () => {
      const load = steadyLoad([s.a, s.b], articleId, 2);
      try {
        expect((await (await s.a.get('/readyz')).json()).checks.cache).toEqual({ status: 'up' });
        s.server.pause();
        const paused = Date.now();
        let report: any;
        await until(async () => {
          const response = await s.a.get('/readyz');
          expect(response.status).toBe(200); // the gateway answers without Redis: degraded, still ready
          report = await response.json();
          return report.status === 'degraded';
        }, '/readyz to report the cache down', 5_000);
        expect(Date.now() - paused).toBeLessThan(OPERATION_TIMEOUT_MS + SLACK_MS);
        expect(report.checks.cache).toEqual({ status: 'down', reason: expect.stringMatching(/PING.*cache, rate limits/) });
        const scrapeStarted = Date.now();
        const text = await (await s.a.get('/metrics')).text();
        expect(Date.now() - scrapeStarted).toBeLessThan(OPERATION_TIMEOUT_MS + SLACK_MS);
        expect(text).toMatch(/^newsgate_cache_redis_up 0$/m);
        expect(text).toMatch(/^newsgate_rate_limit_redis_up 0$/m);

        // Once b's breaker is open its invalidation is not even sent: b makes up for it when Redis
        // wakes, by bumping its tags again there. b's own answers show the write at once.
        await until(async () => await metric(s.b, 'newsgate_cache_breaker_state{level="all",state="open"}') === 1,
          'b\'s breaker to open', 5_000);
        await retitle(s.b, 'Written while Redis hung');
        expect(await headline(s.b)).toBe('Written while Redis hung');
        s.server.resume();
        const resumed = Date.now();
        await until(async () => await headline(s.a) === 'Written while Redis hung', 'a to see b\'s write', AFTER_RETURN_MS + SLACK_MS);
        expect(Date.now() - resumed).toBeLessThan(AFTER_RETURN_MS + SLACK_MS);
        await until(async () => (await (await s.a.get('/readyz')).json()).status === 'ready', '/readyz to report ready again', 5_000);
        const back = await (await s.a.get('/metrics')).text();
        expect(back).toMatch(/^newsgate_cache_redis_up 1$/m);
        expect(back).toMatch(/^newsgate_rate_limit_redis_up 1$/m);
      } finally {
        await load.stop();
      }
      expect(load.seen.flatMap((seen) => seen.failures)).toEqual([]);
    }, 60_000);

    it('keeps answering from process through 10 s of Redis down under load; its own write shows at once, the other\'s once Redis is back', async () => {
      const load = steadyLoad([s.a, s.b], articleId, 3);
      try {
        await sleep(500);
        await s.server.kill();
        const killed = Date.now();
        const before = await Promise.all([tally(s.a, load.seen[0]), tally(s.b, load.seen[1])]);
        await sleep(1000);
        await retitle(s.a, 'Written while Redis was down');
        expect(await headline(s.a)).toBe('Written while Redis was down');
        await sleep(10_000 - (Date.now() - killed));
        const during = await Promise.all([tally(s.a, load.seen[0]), tally(s.b, load.seen[1])]);
        await s.server.restart();
        const back = Date.now();
        for (const [g, gateway] of [s.a, s.b].entries()) {
          // Nearly every request was answered from process: the grace outlasts the outage.
          expect(during[g].answered - before[g].answered).toBeGreaterThan(500);
          expect(hitShare(before[g], during[g])).toBeGreaterThan(0.9);
          expect(gateway.logs.filter((line) => line.level >= 50)).toEqual([]);
        }
        // b held its answer for the grace (30 s), longer than the outage: it sees a's write once
        // Redis is back (restarted empty: the write marker changed), within the documented bound.
        await until(async () => await headline(s.b) === 'Written while Redis was down', 'b to see a\'s write', AFTER_RETURN_MS + SLACK_MS);
        expect(Date.now() - back).toBeLessThan(AFTER_RETURN_MS + SLACK_MS);
        // And both answer from process again, the same.
        await sleep(1000);
        const settled = await Promise.all([tally(s.a, load.seen[0]), tally(s.b, load.seen[1])]);
        await sleep(1000);
        const later = await Promise.all([tally(s.a, load.seen[0]), tally(s.b, load.seen[1])]);
        for (const g of [0, 1]) expect(hitShare(settled[g], later[g])).toBeGreaterThan(0.9);
        expect(await Promise.all([headline(s.a), headline(s.b)])).toEqual(['Written while Redis was down', 'Written while Redis was down']);
      } finally {
        await load.stop();
      }
      expect(load.seen.flatMap((seen) => seen.failures)).toEqual([]);
    }, 60_000);
  });

  describe('past the grace (2 s here)', () => {
    const GRACE_MS = 2000;
    const s = pair({ CACHE_OUTAGE_GRACE_SECONDS: String(GRACE_MS / 1000) });

    it('serves no answer older than the grace while Redis is down, and still answers from process', async () => {
      const load = steadyLoad([s.a, s.b], articleId, 3);
      try {
        await sleep(500);
        await s.server.kill();
        await sleep(GRACE_MS + 500);
        const before = await Promise.all([tally(s.a, load.seen[0]), tally(s.b, load.seen[1])]);
        await retitle(s.b, 'Written past the grace');
        const written = Date.now();
        expect(await headline(s.b)).toBe('Written past the grace');
        // a cannot hear of it; its answers are computed again, from the store, before they pass the grace.
        await until(async () => await headline(s.a) === 'Written past the grace', 'a to see b\'s write', GRACE_MS + L1_MS + SLACK_MS);
        expect(Date.now() - written).toBeLessThan(GRACE_MS + L1_MS + SLACK_MS);
        await sleep(6000 - (Date.now() - written));
        const after = await Promise.all([tally(s.a, load.seen[0]), tally(s.b, load.seen[1])]);
        for (const g of [0, 1]) expect(hitShare(before[g], after[g])).toBeGreaterThan(0.9);
        await s.server.restart();
        await until(async () => (await (await s.a.get('/readyz')).json()).status === 'ready', 'a ready again', 5_000);
        expect(await Promise.all([headline(s.a), headline(s.b)])).toEqual(['Written past the grace', 'Written past the grace']);
      } finally {
        await load.stop();
      }
      expect(load.seen.flatMap((seen) => seen.failures)).toEqual([]);
    }, 60_000);
  });
});
