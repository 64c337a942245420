import slugify from 'slugify';

/**
 * Turns the text of a scraped news page into an article: headline, byline, clean paragraphs.
 * Page furniture (share buttons, photo captions of the author, comment prompts) is dropped.
 */
export interface ScrapedArticle {
  headline: string;
  /** Author names from "By ..." lines, in order. */
  bylines: string[];
  /** The news paragraphs, each on one line, in order. */
  paragraphs: string[];
}

/** Lines that belong to the page, not the story. Matched against a whole trimmed line. */
const FURNITURE: RegExp[] = [
  /^photo of author$/i,
  /^(whatsapp|telegram|facebook|twitter|x|instagram|youtube)\b.*\bjoin now$/i,
  /^(leave a comment|share this article|advertisement|read more|related articles?)$/i,
];

const BYLINE = /^by\s+(.+)$/i;

/**
 * Parses page text: the first non-empty line is the headline, "By X" lines name the authors,
 * furniture lines are dropped and the rest are paragraphs (blocks separated by blank lines, with
 * inner line breaks folded to spaces).
 */
export function parseScrapedArticle(text: string): ScrapedArticle {
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .flatMap((block) => splitFurniture(block));
  const [headline, ...rest] = blocks;
  if (!headline) throw new Error('the page has no text: expected a headline on its first line');
  const bylines: string[] = [];
  const paragraphs: string[] = [];
  for (const block of rest) {
    const byline = BYLINE.exec(block);
    if (byline && paragraphs.length === 0) bylines.push(byline[1].trim());
    else paragraphs.push(block);
  }
  return { headline, bylines, paragraphs };
}

/** A block's lines without furniture, folded into one paragraph (or none). */
function splitFurniture(block: string): string[] {
  const lines = block.split('\n').map((line) => line.trim()).filter(Boolean);
  const kept = lines.filter((line) => !FURNITURE.some((pattern) => pattern.test(line)));
  return kept.length ? [kept.join(' ')] : [];
}

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
