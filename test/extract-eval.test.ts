import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractFigures } from '../src/ingest/extract';
import { evaluateArticle, evaluateDirectory, FIELDS, summarise, type CodingFile } from '../src/ingest/extract/evaluate';

/**
 * The development set (test/fixtures/extract-dev: 21 invented wire stories, hand-coded) measured
 * against extraction, with floors at the values reached. Raise a floor when the rules get better;
 * never lower one. The hold-out set (test/fixtures/extract-holdout) was coded after the rules were
 * tuned on the development set and first scored recall 87.5 %, exactly right 58.3 %; some generic
 * rules were mended from its misses since, so it is printed for the record, not enforced; so is the
 * blind set (test/fixtures/extract-blind), whose first run scored recall 77.3 %, exactly right 36.4 %,
 * and the second blind set (test/fixtures/extract-blind2), coded once the rules were frozen: recall
 * 90.0 %, precision 94.7 %, exactly right 35.0 % on its first run (rules were mended from its misses
 * since, so none of the three is blind any more). The third and fourth blind sets (extract-blind3,
 * extract-blind4) were coded before any rule was mended from them: first runs recall 87.9 % and
 * 86.7 %, precision 100 % and 100 %, exactly right 42.4 % and 43.3 %; rules were mended from their
 * misses since, so they too are printed for the record only. The fifth (extract-blind5) was coded
 * after the rules were mended from blind3 and blind4: recall 89.7 %, precision 92.9 %, exactly right
 * 48.3 % on its first run, the honest estimate for those rules; rules were mended from it since.
 * The sixth (extract-blind6), coded after that: recall 95.5 %, precision 100 %, exactly right 59.1 %
 * on its first run; rules were mended from it too. The seventh (extract-blind7), coded after that:
 * recall 72.0 %, precision 100 %, exactly right 32.0 % on its first run; rules were mended from it too.
 * The eighth (extract-blind8), coded after that: recall 86.4 %, precision 100 %, exactly right 50.0 %
 * on its first run; rules were mended from it too. The ninth (extract-blind9), coded after the last
 * rule change, scored recall 100 %, precision 100 %, exactly right 76.2 % on its first run; generic
 * rules were mended from the misses of every set, blind9 included, afterwards.
 * The tenth and eleventh (extract-blind10, extract-blind11: 10 articles, 104 figures) were written and
 * coded by an engineer who never saw the extractor's code or output. Their first run, before the last
 * round of rules: recall 88.2 % and 90.6 %, exactly right 49.0 % and 58.5 %; after that round, which
 * never saw them: 90.2 % and 90.6 %, exactly right 51.0 % and 56.6 % (together 90.4 % and 53.8 %).
 * Claimant and relation rules were mended from them since, so they are printed for the record only.
 * The twelfth and thirteenth (extract-blind12, extract-blind13: 8 articles, 84 figures), written the
 * same way, scored recall 86.9 %, exactly right 52.4 % together on their first run, and 86.9 % and
 * 57.1 % after the last round of rules, which never saw them: they have not been tuned on.
 * Only a set's first run, before any rule is mended from it, estimates how the rules do on new articles.
 */
const DEV = join(__dirname, 'fixtures', 'extract-dev');
const HOLDOUT = join(__dirname, 'fixtures', 'extract-holdout');
const BLIND = join(__dirname, 'fixtures', 'extract-blind');
const BLIND2 = join(__dirname, 'fixtures', 'extract-blind2');
const BLIND3 = join(__dirname, 'fixtures', 'extract-blind3');
const BLIND4 = join(__dirname, 'fixtures', 'extract-blind4');
const BLIND5 = join(__dirname, 'fixtures', 'extract-blind5');
const BLIND6 = join(__dirname, 'fixtures', 'extract-blind6');
const BLIND7 = join(__dirname, 'fixtures', 'extract-blind7');
const BLIND8 = join(__dirname, 'fixtures', 'extract-blind8');
const BLIND9 = join(__dirname, 'fixtures', 'extract-blind9');
const BLIND10 = join(__dirname, 'fixtures', 'extract-blind10');
const BLIND11 = join(__dirname, 'fixtures', 'extract-blind11');
const BLIND12 = join(__dirname, 'fixtures', 'extract-blind12');
const BLIND13 = join(__dirname, 'fixtures', 'extract-blind13');
const FLOOR = { recall: 1.0, precision: 1.0, exactRate: 0.989 };

function report(name: string, dir: string) {
  const { summary } = evaluateDirectory(dir);
  const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
  console.log(`${name}: ${summary.articles} articles, ${summary.coded} coded, ${summary.extracted} extracted; `
    + `found ${pct(summary.recall)}, correct among extracted ${pct(summary.precision)}, exactly right ${pct(summary.exactRate)}; `
    + FIELDS.map((field) => `${field} ${pct(summary.fieldAccuracy[field])}`).join(', '));
  return summary;
}

describe('extraction accuracy', () => {
  it('reaches its floors on the development set (at least 20 articles)', () => {
    const summary = report('extract-dev', DEV);
    expect(summary.articles).toBeGreaterThanOrEqual(20);
    expect(summary.recall).toBeGreaterThanOrEqual(FLOOR.recall);
    expect(summary.precision).toBeGreaterThanOrEqual(FLOOR.precision);
    expect(summary.exactRate).toBeGreaterThanOrEqual(FLOOR.exactRate);
  });

  it('prints the hold-out and blind sets\' scores', () => {
    expect(report('extract-holdout', HOLDOUT).coded).toBeGreaterThan(0);
    expect(report('extract-blind', BLIND).coded).toBeGreaterThan(0);
    expect(report('extract-blind2', BLIND2).coded).toBeGreaterThan(0);
    expect(report('extract-blind3', BLIND3).coded).toBeGreaterThan(0);
    expect(report('extract-blind4', BLIND4).coded).toBeGreaterThan(0);
    expect(report('extract-blind5', BLIND5).coded).toBeGreaterThan(0);
    expect(report('extract-blind6', BLIND6).coded).toBeGreaterThan(0);
    expect(report('extract-blind7', BLIND7).coded).toBeGreaterThan(0);
    expect(report('extract-blind8', BLIND8).coded).toBeGreaterThan(0);
    expect(report('extract-blind9', BLIND9).coded).toBeGreaterThan(0);
    expect(report('extract-blind10', BLIND10).coded).toBeGreaterThan(0);
    expect(report('extract-blind11', BLIND11).coded).toBeGreaterThan(0);
    expect(report('extract-blind12', BLIND12).coded).toBeGreaterThan(0);
    expect(report('extract-blind13', BLIND13).coded).toBeGreaterThan(0);
  });

  describe('the evaluation itself', () => {
    const body = 'Gunmen killed at least 12 people, including three police officers, officials said.';
    const coding: CodingFile = { source: 'x.txt', figures: [
      { key: 'A', wording: 'killed at least 12 people', outcome: 'KILLED', group: 'UNSPECIFIED', qualifier: 'AT_LEAST', number: 12,
        claimedBy: 'officials', claimantType: 'OFFICIAL', verification: 'REPORTED' },
      { key: 'B', wording: 'three police officers', outcome: 'KILLED', group: 'SECURITY_FORCES', qualifier: 'EXACT', number: 3,
        claimedBy: 'officials', claimantType: 'OFFICIAL', verification: 'REPORTED', partOf: 'A' },
    ] };
    const extracted = extractFigures(body);

    it('scores a right extraction as found and exactly right', () => {
      expect(summarise([evaluateArticle('x', body, coding, extracted)])).toMatchObject({ recall: 1, precision: 1, exactRate: 1 });
    });

    it('counts a missing figure against recall and a figure nobody coded against precision', () => {
      const missing = summarise([evaluateArticle('x', body, coding, extracted.slice(0, 1))]);
      expect(missing).toMatchObject({ recall: 0.5, precision: 1 });
      const extra = summarise([evaluateArticle('x', body, { ...coding, figures: coding.figures.slice(0, 1) }, extracted)]);
      expect(extra).toMatchObject({ recall: 1, precision: 0.5 });
    });

    it('counts a wrong bound, claimant type or relation against exactly right and that field', () => {
      const wrong = extracted.map((figure) => (figure.number === 3 ? { ...figure, partOf: undefined, qualifier: 'AT_LEAST' as const } : figure));
      const summary = summarise([evaluateArticle('x', body, coding, wrong)]);
      expect(summary).toMatchObject({ recall: 1, exactRate: 0.5 });
      expect(summary.fieldAccuracy).toMatchObject({ relations: 0.5, bounds: 0.5, qualifier: 0.5, outcome: 1 });
    });

    it('fails clearly when a coded wording is not in the body', () => {
      const broken = { ...coding, figures: [{ ...coding.figures[0], wording: 'killed 99 people' }] };
      expect(() => evaluateArticle('x', body, broken, extracted)).toThrow(/wording "killed 99 people" is not in the body/);
    });
  });

  it('runs as `npm run eval:extract -- <dir> --json`', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', join(__dirname, '..', 'tools', 'eval-extract.ts'), DEV, '--json'], { cwd: join(__dirname, '..') });
    const { summary } = JSON.parse(stdout);
    expect(summary).toMatchObject({ articles: evaluateDirectory(DEV).summary.articles, recall: expect.any(Number), exactRate: expect.any(Number) });
  });
});
