import { relative } from 'node:path';
import { writeRelease } from './schema-releases';

/**
 * npm run schema:release [-- YYYY-MM-DD]
 * Records the schema as this release serves it in schema/releases/<date>.graphql (today, UTC, when
 * no date is given): the baseline test/schema-breaking.test.ts diffs the schema against from then
 * on. Commit the file with the release. Exits 2 on a bad date or when that release exists already.
 */
function main(argv: string[]): void {
  const date = argv[0] ?? new Date().toISOString().slice(0, 10);
  try {
    console.log(`wrote ${relative(process.cwd(), writeRelease(date))}`);
  } catch (error) {
    console.error(`schema:release: ${(error as Error).message}`);
    process.exit(2);
  }
}

main(process.argv.slice(2));
