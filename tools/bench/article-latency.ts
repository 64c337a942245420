import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createGateway } from '../../src/server';
import { quantile } from './harness';
import { largestCountry, openBenchStore } from './bench-store';
import { COUNTRY_PAGE, withoutTotal } from './queries';

/**
 * Latency of an article page under a country, with nested authors and figures, through the real
 * HTTP gateway against the configured store, no cache. Sequential requests, so each figure is one
 * request's latency; medians are what docs/performance.md quotes.
 */
const WARMUP = 20;
const RUNS = 200;

async function main(): Promise<void> {
  const { config, store } = await openBenchStore();
  const gateway = await createGateway({ config, store, log: pino({ level: 'warn' }) });
  const url = await gateway.listen(0, '127.0.0.1');
  try {
    const { country, n } = await largestCountry(store, (c) => store.countArticles({ locationId: c.id }));
    const total = await store.countArticles({});
    console.log(`store: ${store.engine}, ${total} articles; country ${country.name} (${country.isoCode}) has ${n}`);

    const run = async (withCount: boolean) => {
      const query = withCount ? COUNTRY_PAGE : withoutTotal(COUNTRY_PAGE);
      const times: number[] = [];
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const start = performance.now();
        const response = await fetch(url, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables: { country: country.id } }),
        });
        const body = await response.json() as { errors?: unknown; data?: any };
        if (body.errors || body.data.articles.edges.length !== 20) throw new Error(`bad answer: ${JSON.stringify(body).slice(0, 300)}`);
        if (i >= WARMUP) times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const f = (x: number) => x.toFixed(1).padStart(6);
      console.log(`articles(country, first: 20) nested${withCount ? ' + totalCount' : '             '}: ` +
        `median ${f(quantile(times, 0.5))} ms  p95 ${f(quantile(times, 0.95))} ms  p99 ${f(quantile(times, 0.99))} ms  (${RUNS} sequential requests)`);
    };
    await run(false);
    await run(true);
  } finally {
    await gateway.stop();
    await store.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
