import { performance } from 'node:perf_hooks';
import { decode, encode } from '../../src/cache/codec';
import { largestCountry, openBenchStore } from './bench-store';
import { median } from './harness';

/**
 * The remote cache's codec (src/cache/codec.ts) on values the gateway keeps in Redis, read from the
 * store DATABASE_URL (and DATABASE_SCHEMA) name: the bundle of the benchmarks' list (the first 20
 * articles under the country with the most: their authors, places, figures and the figures'
 * places), the page of those articles, and one article's figures. For each: bytes, and the median
 * time to encode and to decode it over `ROUNDS` rounds of `REPEATS`, against JSON with dates kept
 * as the codec kept them until 2026-12-02 (a replacer writes each as a marked string, a reviver
 * reads it back), and against plain JSON (`JSON.parse` without a reviver: no dates, the floor of
 * any JSON codec).
 *
 *   DATABASE_URL=… DATABASE_SCHEMA=bench100k npm run bench:codec
 */
const ROUNDS = 9;
const REPEATS = 100;

/** Dates as JSON strings that start with NUL and `D`, as the codec wrote them until 2026-12-02. */
const DATE = '\u0000D';
function replaceDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? DATE + raw.toISOString() : value;
}
function reviveDates(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(DATE) ? new Date(value.slice(DATE.length)) : value;
}

/** Median microseconds one call of `run` takes. */
function timed(run: () => unknown): number {
  for (let i = 0; i < REPEATS; i++) run();
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < REPEATS; i++) run();
    rounds.push(((performance.now() - start) * 1000) / REPEATS);
  }
  return median(rounds);
}

async function main(): Promise<void> {
  const { store } = await openBenchStore();
  try {
    const { country } = await largestCountry(store, (c) => store.countArticles({ locationId: c.id }));
    const page = await store.listArticles({ locationId: country.id }, 'PUBLISHED_AT_DESC', { first: 20 });
    const ids = page.rows.map((article) => article.id);
    const bundle = await store.articleBundle('id', ids,
      { articles: false, authors: true, places: true, figures: true, figurePlaces: true, bodies: false });
    const [figures] = await store.figuresOfArticles(ids.slice(0, 1));
    // As the Redis adapter stores an entry: its tags' generations beside the value.
    const held = (value: unknown) => ({ g: ['generation-1', 'generation-2'], v: value });
    const values: [string, unknown][] = [
      [`the list's bundle (${bundle.figures.length} figures)`, held(bundle)],
      [`the list's page (${page.rows.length} articles)`, held(page)],
      [`one article's figures (${figures.length})`, held(figures)],
    ];
    console.log(`store: ${country.name}'s first page; medians of ${ROUNDS} rounds of ${REPEATS} calls`);
    for (const [name, value] of values) {
      const bytes = encode(value);
      const text = JSON.stringify(value, replaceDates);
      const plain = JSON.stringify(value);
      const f = (us: number) => `${us.toFixed(1).padStart(7)} µs`;
      const size = (n: number) => `${String(n).padStart(7)} B`;
      console.log(`${name}\n` +
        `  codec (MessagePack)       ${size(bytes.length)}  encode ${f(timed(() => encode(value)))}  decode ${f(timed(() => decode(bytes)))}\n` +
        `  JSON with dates (before)  ${size(Buffer.byteLength(text))}  encode ${f(timed(() => JSON.stringify(value, replaceDates)))}  ` +
        `decode ${f(timed(() => JSON.parse(text, reviveDates)))}\n` +
        `  plain JSON (no dates)     ${size(Buffer.byteLength(plain))}  encode ${f(timed(() => JSON.stringify(value)))}  ` +
        `decode ${f(timed(() => JSON.parse(plain)))}`);
    }
  } finally {
    await store.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
