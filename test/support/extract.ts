import { extractFigures, type ExtractedFigure, type ExtractOptions } from '../../src/ingest/extract';

/** The figures of a one-paragraph (or blank-line separated) text, keyed by their wording for readable assertions. */
export function figuresOf(text: string, opts: ExtractOptions = {}): ExtractedFigure[] {
  return extractFigures(text, opts);
}

/** The one figure whose wording contains `words`; fails the test when none or several do. */
export function figureWith(figures: ExtractedFigure[], words: string): ExtractedFigure {
  const found = figures.filter((figure) => figure.wording.includes(words));
  if (found.length !== 1) throw new Error(`expected one figure with "${words}", got ${found.length}: ${figures.map((f) => f.wording).join(' | ')}`);
  return found[0];
}
