import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFigures } from '../src/ingest/extract';
import { bodyOfPage, evaluateArticle, placeOfFromNames, type CodingFile } from '../src/ingest/extract/evaluate';

/**
 * The worked example's raw page, its furniture dropped by the existing scraped-page parser, gives
 * exactly the hand coding in src/seed/content/seed-article.coding.json: every figure, bound,
 * claimant, verification, place and partOf, and nothing else ("freed nearly 30 inmates" is left out).
 */
const dir = join(__dirname, '..', 'src', 'seed', 'content');
const coding = JSON.parse(readFileSync(join(dir, 'seed-article.coding.json'), 'utf8')) as CodingFile;
const body = bodyOfPage(readFileSync(join(dir, 'seed-article.txt'), 'utf8'));
const figures = extractFigures(body, { placeOf: placeOfFromNames(coding.places!) });

describe('extracting the worked example', () => {
  it('finds the eight coded figures and nothing else', () => {
    expect(figures).toHaveLength(coding.figures.length);
    const result = evaluateArticle('seed-article', body, coding, figures);
    expect(result.missed.map((f) => f.key)).toEqual([]);
    expect(result.spurious.map((f) => f.wording)).toEqual([]);
  });

  it('codes every figure as the editors did, field by field', () => {
    const keyOf = new Map<string, string>();
    const pairs = coding.figures.map((coded) => {
      const found = figures.find((f) => f.wording.includes(coded.wording) || coded.wording.includes(f.wording));
      expect(found).toBeDefined();
      keyOf.set(coded.key, found!.key);
      return { coded, found: found! };
    });
    for (const { coded, found } of pairs) {
      expect({
        key: coded.key, outcome: found.outcome, group: found.group, qualifier: found.qualifier, number: found.number,
        claimedBy: found.claimedBy?.toLowerCase() ?? null, claimantType: found.claimantType, verification: found.verification,
        place: found.place, partOf: found.partOf, restates: found.restates, supersedes: found.supersedes,
      }).toEqual({
        key: coded.key, outcome: coded.outcome, group: coded.group, qualifier: coded.qualifier, number: coded.number,
        claimedBy: coded.claimedBy?.toLowerCase() ?? null, claimantType: coded.claimantType, verification: coded.verification,
        place: coded.place, partOf: coded.partOf && keyOf.get(coded.partOf), restates: undefined, supersedes: undefined,
      });
    }
  });

  it('quotes each figure\'s own sentence and gives every figure a confidence between 0 and 1', () => {
    for (const figure of figures) {
      expect(body).toContain(figure.sentence);
      expect(figure.sentence).toContain(figure.wording);
      expect(figure.confidence).toBeGreaterThan(0);
      expect(figure.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('leaves out the freed inmates', () => {
    expect(figures.some((f) => /inmates/.test(f.wording))).toBe(false);
  });
});
