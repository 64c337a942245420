import pino from 'pino';
import { createContext } from '../../src/context';
import { createGateway } from '../../src/server';
import { largestCountry, openBenchStore } from './bench-store';
import { ARTICLE, COUNTRY_PAGE, withoutTotal } from './queries';

/**
 * CPU per request of the two executors (src/execution/compiled-queries.ts): two gateways in this one
 * process over the configured store, no cache, one running queries compiled with graphql-jit and one
 * on graphql-js only, each sent the HTTP bench's article and list through Apollo's request pipeline
 * (`executeOperation`, without HTTP), 8 at a time. Rounds alternate the order of the two; the figure
 * is this process's user + system time over the requests, PostgreSQL's not counted. Medians of
 * BENCH_ROUNDS (default 4).
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONCURRENCY = 8;
const REQUESTS = { article: 800, list: 200 };

async function main(): Promise<void> {
  const { store } = await openBenchStore();
  const { country } = await largestCountry(store, (c) => store.countArticles({ locationId: c.id }));
  const [article] = (await store.listArticles({ locationId: country.id }, 'PUBLISHED_AT_DESC', { first: 1 })).rows;
  const log = pino({ level: 'warn' });
  const pagination = { defaultPageSize: 20, maxPageSize: 100 };
  const config = { production: true, pagination };
  const gateways = {
    'graphql-js': await createGateway({ config, store, log, compiledQueries: false }),
    compiled: await createGateway({ config, store, log }),
  };
  const targets: Record<'article' | 'list', { query: string; variables: Record<string, string> }> = {
    article: { query: ARTICLE, variables: { slug: article.slug } },
    list: { query: withoutTotal(COUNTRY_PAGE), variables: { country: country.id } },
  };
  let requestId = 0;
  const cpuPerRequest = async (executor: keyof typeof gateways, target: keyof typeof targets, count: number) => {
    const one = async () => {
      const contextValue = createContext({ store, pagination, log }, String(requestId++));
      const { body } = await gateways[executor].apollo.executeOperation(targets[target], { contextValue });
      if (body.kind !== 'single' || body.singleResult.errors) throw new Error(`the ${target} failed: ${JSON.stringify(body)}`);
    };
    const started = process.cpuUsage();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < count / CONCURRENCY; i++) await one();
    }));
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000 / count;
  };
  try {
    console.log(`store: ${store.engine}; list: first 20 under ${country.name}; article: ${article.slug}; ${ROUNDS} rounds`);
    console.log('query    executor     CPU ms per request (median, then each round)');
    for (const target of ['article', 'list'] as const) {
      for (const executor of ['graphql-js', 'compiled'] as const) await cpuPerRequest(executor, target, REQUESTS[target] / 2);
      const figures: Record<keyof typeof gateways, number[]> = { 'graphql-js': [], compiled: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 ? ['graphql-js', 'compiled'] as const : ['compiled', 'graphql-js'] as const;
        for (const executor of order) figures[executor].push(await cpuPerRequest(executor, target, REQUESTS[target]));
      }
      for (const [executor, values] of Object.entries(figures)) {
        const sorted = [...values].sort((a, b) => a - b);
        const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
        console.log(`${target.padEnd(8)} ${executor.padEnd(12)} ${median.toFixed(2).padStart(6)}  (${values.map((v) => v.toFixed(2)).join(', ')})`);
      }
    }
  } finally {
    for (const gateway of Object.values(gateways)) await gateway.stop();
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
