import { evaluateDirectory, FIELDS, type Summary } from '../src/ingest/extract/evaluate';

/**
 * npm run eval:extract -- <dir> [--json] [--verbose]
 * Compares figure extraction with the hand codings in <dir> (NAME.txt + NAME.coding.json) and
 * prints recall, precision, exactly right and per-field accuracy; --verbose lists every miss,
 * spurious figure and wrong field. Exits 2 on a usage error.
 */
function main(argv: string[]): void {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--')));
  const [dir] = argv.filter((arg) => !arg.startsWith('--'));
  if (!dir) {
    console.error('usage: npm run eval:extract -- <dir with NAME.txt and NAME.coding.json> [--json] [--verbose]');
    process.exit(2);
  }
  let evaluation: ReturnType<typeof evaluateDirectory>;
  try {
    evaluation = evaluateDirectory(dir);
  } catch (error) {
    console.error(`eval:extract: ${(error as Error).message}`);
    process.exit(2);
  }
  const { results, summary } = evaluation;
  if (flags.has('--json')) {
    console.log(JSON.stringify({ summary, articles: results.map((r) => ({ name: r.name, coded: r.coded, extracted: r.extracted,
      found: r.pairs.length, exactlyRight: r.pairs.filter((p) => p.exact).length,
      missed: r.missed.map((f) => f.key), spurious: r.spurious.map((f) => f.wording),
      wrong: r.pairs.filter((p) => !p.exact).map((p) => ({ key: p.coded.key, fields: FIELDS.filter((f) => !p.fields[f]) })) })) }, null, 2));
    return;
  }
  if (flags.has('--verbose')) {
    for (const r of results) {
      for (const f of r.missed) console.log(`${r.name}: missed ${f.key} "${f.wording}"`);
      for (const f of r.spurious) console.log(`${r.name}: spurious ${f.key} "${f.wording}" (${f.outcome})`);
      for (const p of r.pairs.filter((pair) => !pair.exact || !pair.fields.claimedBy || !pair.fields.place)) {
        const wrong = FIELDS.filter((f) => !p.fields[f]);
        console.log(`${r.name}: ${p.coded.key} ~ ${p.extracted.key} wrong ${wrong.join(', ')}: ${JSON.stringify(pick(p.extracted, wrong))}`);
      }
    }
  }
  print(summary);
}

function pick(figure: object, fields: string[]): Record<string, unknown> {
  const record = figure as Record<string, unknown>;
  const keys = fields.flatMap((f) => (f === 'bounds' ? ['qualifier', 'number', 'numberHigh'] : f === 'relations' ? ['partOf', 'restates', 'supersedes', 'background'] : [f]));
  return Object.fromEntries(keys.map((k) => [k, record[k]]));
}

function print(s: Summary): void {
  const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
  console.log(`${s.articles} articles, ${s.coded} coded figures, ${s.extracted} extracted`);
  console.log(`found (recall)              ${pct(s.recall)}  (${s.found} of ${s.coded})`);
  console.log(`correct among extracted     ${pct(s.precision)}  (${s.found} of ${s.extracted})`);
  console.log(`exactly right               ${pct(s.exactRate)}  (${s.exactlyRight} of ${s.coded})`);
  console.log('per field, over found figures:');
  for (const field of FIELDS) console.log(`  ${field.padEnd(14)} ${pct(s.fieldAccuracy[field])}`);
}

main(process.argv.slice(2));
