/**
 * `npm run seed -- --articles N [--seed S] [--batch-size B]`: loads a synthetic corpus (see
 * ./synthetic.ts) into the store the environment names. Exits 0 when done, 2 on bad arguments or a
 * missing store setting (with usage on stderr), 1 when seeding fails.
 */
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { ConfigError, loadConfig } from '../../src/config';
import { openStore, type StoreOptions } from '../../src/store/open';
import { DEFAULT_BATCH_SIZE, DEFAULT_SEED, seedSynthetic } from './synthetic';

const USAGE = `usage: npm run seed -- --articles N [--seed S] [--batch-size B]

  --articles N     how many articles to generate, about ten casualty figures each (required)
  --seed S         faker seed; the same seed and N give the same corpus (default ${DEFAULT_SEED})
  --batch-size B   articles written per batch (default ${DEFAULT_BATCH_SIZE})

The store comes from the environment:
  DATABASE_URL      PostgreSQL connection string (DATABASE_SCHEMA optionally names the schema)
  PGLITE_DATA_DIR   directory of an on-disk PGlite database, used when DATABASE_URL is unset`;

/** A problem with how the seed was invoked: reported with the usage text, exit status 2. */
class UsageError extends Error {}

/**
 * Where the corpus goes: the store the shared configuration names. Refuses the in-memory default,
 * which would be thrown away when the seed exits.
 */
function seedTarget(): StoreOptions & { description: string } {
  let store: StoreOptions;
  try {
    ({ store } = loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (store.databaseUrl) {
    return { ...store, description: `PostgreSQL${store.databaseSchema ? ` (schema ${store.databaseSchema})` : ''}` };
  }
  if (store.pgliteDataDir) return { ...store, description: `PGlite at ${store.pgliteDataDir}` };
  throw new UsageError(
    'no store configured. Set DATABASE_URL (PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/newsgate) '
    + 'or PGLITE_DATA_DIR (a directory for an on-disk PGlite database). Without either the store would be '
    + 'in memory, and the corpus thrown away when the seed exits.');
}

interface SeedArgs {
  articles: number;
  seed: number;
  batchSize: number;
  help: boolean;
}

/** Parses the command line; throws a UsageError naming the first problem. */
function parseSeedArgs(argv: string[]): SeedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        articles: { type: 'string' },
        seed: { type: 'string' },
        'batch-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { articles: 0, seed: DEFAULT_SEED, batchSize: DEFAULT_BATCH_SIZE, help: true };
  if (values.articles === undefined) throw new UsageError('--articles is required');
  return {
    articles: wholeNumber('--articles', values.articles, 1),
    seed: values.seed === undefined ? DEFAULT_SEED : wholeNumber('--seed', values.seed, 0),
    batchSize: values['batch-size'] === undefined ? DEFAULT_BATCH_SIZE : wholeNumber('--batch-size', values['batch-size'], 1),
    help: false,
  };
}

function wholeNumber(flag: string, text: string, min: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${flag} must be a whole number of at least ${min}, got "${text}"`);
  }
  return n;
}

interface Progress {
  update(done: number): void;
  stop(): void;
}

/** A progress bar on a terminal; otherwise (logs, CI) a plain line at every tenth of the way. */
function progressReporter(total: number): Progress {
  if (process.stdout.isTTY) {
    const bar = new SingleBar({
      format: 'articles {bar} {percentage}% | {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted}',
      stream: process.stdout,
      hideCursor: true,
    }, Presets.shades_classic);
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let reportedTenths = 0;
  return {
    update(done) {
      const tenths = Math.floor((done * 10) / total);
      if (tenths === reportedTenths) return;
      reportedTenths = tenths;
      console.log(`seeded ${done}/${total} articles (${Math.floor((done * 100) / total)}%)`);
    },
    stop() {},
  };
}

async function main(argv: string[]): Promise<number> {
  let args: SeedArgs;
  let target: ReturnType<typeof seedTarget>;
  try {
    args = parseSeedArgs(argv);
    if (args.help) {
      console.log(USAGE);
      return 0;
    }
    target = seedTarget();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`seed: ${error.message}\n\n${USAGE}`);
    return 2;
  }

  const started = performance.now();
  const store = await openStore(target);
  const progress = progressReporter(args.articles);
  let counts;
  try {
    counts = await seedSynthetic(store, {
      articles: args.articles, seed: args.seed, batchSize: args.batchSize, onProgress: (done) => progress.update(done),
    });
  } finally {
    progress.stop();
    await store.close();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`seeded ${counts.articles} articles, ${counts.figures} casualty figures, ${counts.authors} authors `
    + `and ${counts.locations} places into ${target.description} (seed ${args.seed}) in ${seconds} s`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error('seed failed:', error);
    process.exitCode = 1;
  },
);
