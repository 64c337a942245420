import slugify from 'slugify';

/** The body as the graph serves it: paragraphs separated by one blank line. */
export function joinParagraphs(paragraphs: readonly string[]): string {
  return paragraphs.join('\n\n');
}

/** The paragraphs of a clean body. */
export function splitParagraphs(body: string): string[] {
  return body.split(/\n\s*\n/).map((paragraph) => paragraph.trim()).filter(Boolean);
}

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });

/** The sentence of `text` that contains `wording`, verbatim and trimmed; undefined if none does. */
export function sentenceContaining(text: string, wording: string): string | undefined {
  for (const paragraph of splitParagraphs(text)) {
    for (const { segment } of sentences.segment(paragraph)) {
      if (segment.includes(wording)) return segment.trim();
    }
  }
  return undefined;
}

/**
 * The sentences of `text` as offsets (`text.slice(start, end)` is one, trimmed), in order; a line
 * break always ends a sentence. The same sentences `sentenceContaining` finds in a clean body.
 */
export function sentenceSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const line of text.matchAll(/[^\n]+/g)) {
    for (const { segment, index } of sentences.segment(line[0])) {
      const start = line.index + index + (segment.length - segment.trimStart().length);
      const end = line.index + index + segment.trimEnd().length;
      if (end > start) spans.push({ start, end });
    }
  }
  return spans;
}

/** Words in a clean body: runs of non-space characters. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The longest slug the graph stores. */
export const MAX_SLUG_LENGTH = 120;

/** A slug for `text`: lower-case ASCII words joined by single hyphens, at most MAX_SLUG_LENGTH long. */
export function slugOf(text: string): string {
  return slugify(text, { lower: true, strict: true }).slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '');
}
