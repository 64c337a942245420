import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { BadUserInputError } from '../errors';
import {
  authorsOfByline, datelineDate, languageOf, parseMetaDate, uniqueNames, withoutSiteName,
} from './metadata';

/**
 * Cleaning of ingested pages: the story's text without the page around it, and the metadata the
 * page states. Item 2 of issue 18; places and figures are read from `body` afterwards.
 */

/** A page reduced to its story. */
export interface CleanPage {
  /** The story's headline; null when the page has no line that can be one. */
  headline: string | null;
  /** People named in the byline, without "By" and roles; [] when none is named. */
  authors: string[];
  /** When the page says the story was published; null when it does not say (never guessed). */
  publishedAt: Date | null;
  /** ISO 639-1 code: declared by the page, else detected in its text; null if undecidable. */
  language: string | null;
  /** The story's paragraphs, plain text, separated by one blank line; no markup. */
  body: string;
  /** Page furniture that was dropped (menus, share buttons, bylines, related links...), each once. */
  removed: string[];
}

/** Words only share bars, follow prompts and messaging-channel banners are made of. */
const SHARE_WORDS = new Set([
  'share', 'shares', 'sharing', 'on', 'this', 'article', 'story', 'post', 'via', 'to', 'with', 'us', 'our',
  'facebook', 'twitter', 'x', 'whatsapp', 'linkedin', 'email', 'e-mail', 'mail', 'print', 'copy', 'link',
  'copied', 'url', 'pinterest', 'reddit', 'telegram', 'messenger', 'instagram', 'youtube', 'tiktok', 'threads',
  'bluesky', 'mastodon', 'flipboard', 'tweet', 'group', 'channel', 'join', 'now', 'follow', 'save', 'gift',
  'comment', 'comments', 'sms', 'more', 'options', 'page',
  'partager', 'partagez', 'imprimer', 'envoyer', 'courriel', 'compartir', 'comparte', 'imprimir', 'enviar',
  'correo', 'por', 'teilen', 'drucken', 'sur', 'en', 'el', 'le', 'cet', 'este', 'artículo', 'par',
]);

/** Lines that are furniture wherever they stand, matched against the whole trimmed line. */
const FURNITURE: RegExp[] = [
  // images and captions marked as such
  /^(?:photo|image|picture|illustration|video|file photo|photograph)(?: of (?:the )?author)?$/i,
  /^(?:photo|image|picture|photograph|file photo|credit|credits|image credit|photo credit|caption|pictured|illustration|video)s?\s*(?::|—|–|-|\/|\(|by\b)/i,
  /^\[?(?:photo|image)\s*:[^\]]*\]?$/i,
  // comments
  /^(?:leave a (?:comment|reply)|post a comment|add a comment|\d+\s+comments?|comments?(?:\s*\(\d+\))?|view comments|show comments|join the (?:conversation|discussion)|be the first to comment.*|cancel reply|post comment|submit comment|reply|report abuse|commentaires?|comentarios?|réagir|log in to comment.*|your email address will not be published.*|required fields are marked.*|save my name, email.*)$/i,
  // advertising
  /^(?:advertisement|advertisment|advertising|ad|ads|publicité|publicidad|anzeige|sponsored(?: content)?|paid content|promoted|story continues below(?: advertisement)?|continue reading below|scroll to continue(?: with content)?|article continues below.*)$/i,
  // subscription prompts
  /^(?:subscribe|sign up|get|join|never miss|enter your email|receive|stay informed|don'?t miss)\b.{0,160}\b(?:newsletter|inbox|subscribe|updates|alerts|email)\b.{0,40}$/i,
  /^(?:our |the |free )?(?:\w+ ){0,3}newsletters?$/i,
  /^.{0,120}\bnewsletters?\b.{0,120}\b(?:sign up|subscribe|inbox|delivered|get the|receive)\b.{0,120}$/i,
  /^.{0,120}\b(?:sign up|subscribe)\b.{0,120}\bnewsletters?\b.{0,120}$/i,
  /^(?:subscribe(?: now| today)?|sign up|sign in|log in|register|my account|menu|search|skip to (?:main )?content|listen to (?:this )?article.*|\d+\s+min(?:ute)?s? read|back to top|close|open menu)$/i,
  // cookie notices
  /^.{0,200}\bcookies?\b.{0,200}\b(?:accept|consent|policy|settings|preferences|experience|we use|this site uses)\b.{0,200}$/i,
  /^(?:accept(?: all)?(?: cookies)?|reject(?: all)?|manage (?:cookies|preferences|settings)|cookie settings|got it|i agree|ok)$/i,
  // inline related links and tag lists
  /^(?:read more|also read|read also|see also|related|more|watch|listen|lire aussi|à lire aussi|lea también|le puede interesar)\s*[:»>|–—-]\s*\S.*$/i,
  /^(?:tags?|topics?|filed under|categories|category|keywords|étiquettes|temas|etiquetas)\s*:.*$/i,
  // copyright and site footers
  /^(?:©|\(c\)|copyright\b).*$/i,
  /^.{0,120}\ball rights reserved\b.{0,60}$/i,
  /^(?:privacy policy|privacy|terms(?: of (?:use|service))?|contact us|about us|advertise with us|careers|sitemap)(?:\s*[|·•/]\s*.{1,40})*$/i,
];

/** A heading that introduces a list of links or tags: the short lines after it go with it. */
const LIST_HEADER = /^(?:related(?: articles| stories| posts| news| coverage| content| topics)?|read more|also read|read also|see also|more (?:from|on|stories|news)\b.*|recommended(?: for you)?|you (?:may|might) also like|trending(?: now)?|most read|most popular|latest(?: news| stories)?|top stories|popular(?: posts| stories)?|what to read next|further reading|tags?|topics?|lire aussi|à lire aussi|sur le même sujet|lea también|noticias relacionadas)\s*:?$/i;

/** A heading after which everything is the comment section (posted comments and the form). */
const COMMENTS_HEADER = /^(?:leave a (?:comment|reply)|\d+\s+comments?|comments?(?:\s*\(\d+\))?|join the (?:conversation|discussion)|post a comment|add a comment|reader comments|commentaires?(?:\s*\(\d+\))?|comentarios?(?:\s*\(\d+\))?|laisser un commentaire|deja un comentario)$/i;

/** A heading before an author's biography. */
const BIO_HEADER = /^(?:about the authors?|about the writer|author bio|à propos de l'auteur|sobre el autor)\s*:?$/i;

/** "By ..." and its kin opening a byline line; "Reporting by X; Editing by Y" trailers. */
const BYLINE = /^(?:by|posted by|written by|words by|reporting by|reported by|story by|authors?\s*:|par|por)\s+\S/i;

/** Whether `line` ends a sentence (paragraph text), rather than being a title, a label or a link. */
function endsSentence(line: string): boolean {
  return /[.!?…]["'”’)]*$/.test(line) || /[.!?]\s*["”’]$/.test(line);
}

function wordCount(line: string): number {
  return line.split(/\s+/).filter(Boolean).length;
}

/** Whether a line is made only of share-bar, follow and channel vocabulary ("Telegram Channel Join Now"). */
function isShareBar(line: string): boolean {
  const words = line.toLowerCase().split(/[\s|/·•,:()\[\]+]+/).filter(Boolean);
  return words.length > 0 && words.length <= 16 && words.every((word) => SHARE_WORDS.has(word));
}

/** A breadcrumb or a menu printed on one line: three or more short items between separators. */
function isMenuLine(line: string): boolean {
  const items = line.split(/\s*(?:[|»›•·]|\s>\s|\s\/\s|\s{2,}|\t)\s*/).filter(Boolean);
  return items.length >= 3 && items.every((item) => wordCount(item) <= 3 && !endsSentence(item));
}

function isFurniture(line: string): boolean {
  return isShareBar(line) || isMenuLine(line) || FURNITURE.some((pattern) => pattern.test(line));
}

/** A link or tag of a list: short, and not a sentence. */
function isListItem(line: string): boolean {
  const item = line.replace(/^[-•*·–]\s*/, '');
  return wordCount(item) <= 25 && !endsSentence(item);
}

/** A line of story text: eight words or more, ending a sentence. */
function isParagraph(line: string): boolean {
  return wordCount(line) >= 8 && endsSentence(line);
}

/** A short line that is no paragraph: up to three words and no sentence end (a menu item, a tag). */
function isStub(line: string): boolean {
  return wordCount(line) <= 3 && !endsSentence(line);
}

interface Reading {
  headline: string | null;
  authors: string[];
  publishedAt: Date | null;
  paragraphs: string[];
  removed: string[];
}

/**
 * Reads page lines (blank lines separate paragraphs): drops furniture into `removed`, takes the
 * headline (`takeHeadline`, unless `given.headline` is set), bylines and their authors,
 * "Published ..." stamps and the opening dateline's date, and folds the rest into paragraphs.
 */
function readLines(lines: string[], given: { headline?: string | null } = {}): Reading {
  const removed: string[] = [];
  const authors: string[] = [];
  let publishedAt: Date | null = null;
  const kept: (string | null)[] = []; // null marks a paragraph break
  let inList = false;
  let inComments = false;
  let bioNext = false;
  let bodySeen = false;

  for (const raw of lines) {
    const line = raw.replace(/\s+/g, ' ').trim();
    if (!line) { kept.push(null); continue; }
    if (inComments) { removed.push(line); continue; }
    if (COMMENTS_HEADER.test(line)) {
      removed.push(line);
      inList = false;
      if (bodySeen) inComments = true;
      continue;
    }
    if (LIST_HEADER.test(line)) { removed.push(line); inList = true; continue; }
    if (BIO_HEADER.test(line)) { removed.push(line); inList = false; bioNext = true; continue; }
    if (inList) {
      if (isListItem(line)) { removed.push(line); continue; }
      inList = false;
    }
    if (bioNext) { bioNext = false; removed.push(line); continue; }
    if (isMenuLine(raw.trim())) { removed.push(line); continue; }
    if (BYLINE.test(line) && wordCount(line) <= 20) {
      const names = authorsOfByline(line);
      if (names.length > 0) { authors.push(...names); removed.push(line); continue; }
    }
    const stamped = /^(?:published|posted|first published|updated|last updated|publié|mis à jour|publicado|actualizado)\b/i.test(line) && wordCount(line) <= 14;
    if (stamped) {
      publishedAt ??= /^(?:updated|last updated|mis à jour|actualizado)/i.test(line) ? null : datelineDate(line);
      removed.push(line);
      continue;
    }
    if (isFurniture(line)) { removed.push(line); continue; }
    kept.push(line);
    if (isParagraph(line)) bodySeen = true;
  }

  dropStubRuns(kept, removed);
  const headline = given.headline === undefined ? takeHeadline(kept, removed) : given.headline;
  const paragraphs = foldParagraphs(kept)
    .filter((paragraph) => {
      const bio = isAuthorBio(paragraph, authors);
      if (bio) removed.push(paragraph);
      return !bio;
    });
  const firstParagraph = paragraphs[0];
  if (!publishedAt && firstParagraph) publishedAt = datelineDate(firstParagraph);
  return { headline, authors: uniqueNames(authors), publishedAt, paragraphs, removed };
}

/**
 * Takes the headline out of `kept`: the longest line of three words or more above the first
 * paragraph (the first such line when there is no paragraph); the other lines above the story (a
 * masthead, a kicker) go to `removed`. Null when no line can be a headline.
 */
function takeHeadline(kept: (string | null)[], removed: string[]): string | null {
  const titlesAbove = (end: number) => kept.slice(0, end)
    .filter((line): line is string => line !== null && wordCount(line) >= 3);
  const firstLine = kept.findIndex((line) => line !== null && isParagraph(line));
  if (firstLine < 0) {
    const [first] = titlesAbove(kept.length);
    if (first === undefined) return null;
    const index = kept.indexOf(first);
    kept.slice(0, index).forEach((line) => line !== null && removed.push(line));
    kept.splice(0, index + 1);
    return first;
  }
  let storyStart = firstLine;
  while (storyStart > 0 && kept[storyStart - 1] !== null) storyStart--; // the paragraph's first line
  if (titlesAbove(storyStart).length === 0) storyStart = firstLine; // a page without blank lines
  const titles = titlesAbove(storyStart);
  if (titles.length === 0) return null;
  const headline = titles.reduce((best, line) => (line.length > best.length ? line : best));
  kept.slice(0, storyStart).forEach((line) => line !== null && line !== headline && removed.push(line));
  kept.splice(0, storyStart);
  return headline;
}

/** Runs of three or more stubs in a row (menus, tag clouds) are furniture, blank lines or not. */
function dropStubRuns(kept: (string | null)[], removed: string[]): void {
  let start = 0;
  while (start < kept.length) {
    const run: number[] = [];
    let i = start;
    for (; i < kept.length; i++) {
      const line = kept[i];
      if (line === null) continue;
      if (!isStub(line)) break;
      run.push(i);
    }
    if (run.length >= 3) {
      for (const index of run) { removed.push(kept[index]!); kept[index] = null; }
    }
    start = Math.max(i, start + 1);
  }
}

/**
 * Paragraphs from kept lines: lines between breaks are folded into one, with single spaces. A page
 * that separates none of its sentence lines by a blank line puts one paragraph on each line.
 */
function foldParagraphs(kept: (string | null)[]): string[] {
  const lines = kept.filter((line): line is string => line !== null);
  const onePerLine = lines.filter(isParagraph).length >= 2 && !kept.some((line, i) =>
    line === null && kept.slice(0, i).some((before) => before !== null) && kept.slice(i).some((after) => after !== null));
  if (onePerLine) return lines;
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of [...kept, null]) {
    if (line !== null) { current.push(line); continue; }
    if (current.length) paragraphs.push(current.join(' '));
    current = [];
  }
  return paragraphs;
}

/** "Jane Doe is a reporter covering ...": a short paragraph about one of the authors. */
function isAuthorBio(paragraph: string, authors: string[]): boolean {
  if (wordCount(paragraph) > 60) return false;
  return authors.some((author) => {
    const lead = new RegExp(`^${author.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(?:is|was|has|covers|reports|writes|joined)\\b`, 'i');
    return lead.test(paragraph);
  });
}

function pageOf(reading: Reading, languageDeclared: string | null): CleanPage {
  const body = reading.paragraphs.join('\n\n');
  return {
    headline: reading.headline,
    authors: reading.authors,
    publishedAt: reading.publishedAt,
    language: languageOf(languageDeclared, `${reading.headline ?? ''}\n${body}`),
    body,
    removed: uniqueNames(reading.removed),
  };
}

/**
 * Cleans a page saved as plain text (a scrape, furniture and all). Furniture is dropped by rules
 * about lines, not by a list of one site's strings: share bars, captions and image credits, bylines
 * and author bios, comment sections (everything after their heading once the story has begun),
 * related-link and tag lists (the short lines after their heading), menus (runs of three or more
 * short lines, breadcrumbs), subscription and cookie prompts, copyright footers, advertisements.
 * The headline is the longest remaining line of three words or more before the first paragraph
 * (a sentence of eight words or more); lines above the story that are not it (a masthead) are
 * dropped. The date is a "Published ..."
 * line's or the opening dateline's, stated with day, month and year, else null; the language is
 * tinyld's. Throws BAD_USER_INPUT when the text is empty.
 */
export function cleanText(text: string): CleanPage {
  if (!text.trim()) throw new BadUserInputError('text', 'the page has no text');
  return pageOf(readLines(text.replace(/\r\n?/g, '\n').split('\n')), null);
}

/** Elements whose text is never part of a story. */
const NEVER_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'HEAD', 'SELECT', 'OPTION', 'INPUT', 'TEXTAREA']);

/** Elements that break text into separate lines. */
const BLOCKS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'BUTTON', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE',
  'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LABEL', 'LI', 'MAIN', 'NAV', 'OL', 'P',
  'PRE', 'SECTION', 'TABLE', 'TD', 'TH', 'TR', 'UL',
]);

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

/**
 * The text of `root` as lines, one per block element (a paragraph, a list item, a heading), each
 * followed by a blank line; scripts and styles give none. Text of elements in `drop` (captions)
 * goes to `dropped` instead.
 */
function blockLines(root: DomNode, drop: Set<string> = new Set(), dropped: string[] = []): string[] {
  const lines: string[] = [];
  let current = '';
  const flush = () => {
    const line = current.replace(/\s+/g, ' ').trim();
    if (line) lines.push(line, '');
    current = '';
  };
  const walk = (node: DomNode) => {
    if (node.nodeType === 3) { current += node.textContent ?? ''; return; }
    if (node.nodeType !== 1 || NEVER_TEXT.has(node.nodeName)) return;
    if (drop.has(node.nodeName)) {
      const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (text) dropped.push(text);
      return;
    }
    const block = BLOCKS.has(node.nodeName);
    if (block) flush();
    for (const child of Array.from(node.childNodes)) walk(child);
    if (block) flush();
  };
  walk(root);
  flush();
  return lines;
}

type Json = unknown;

/** Every object in the page's JSON-LD blocks, @graph members and nested values included. */
function jsonLdObjects(document: Document): Record<string, Json>[] {
  const objects: Record<string, Json>[] = [];
  const visit = (value: Json) => {
    if (Array.isArray(value)) { value.forEach(visit); return; }
    if (!value || typeof value !== 'object') return;
    const object = value as Record<string, Json>;
    objects.push(object);
    if (object['@graph']) visit(object['@graph']);
    if (object.mainEntity) visit(object.mainEntity);
  };
  for (const script of Array.from(document.querySelectorAll('script[type="application/ld+json"]'))) {
    try { visit(JSON.parse(script.textContent ?? '')); } catch { /* a broken block states nothing */ }
  }
  return objects;
}

const ARTICLE_TYPES = /^(?:NewsArticle|Article|ReportageNewsArticle|AnalysisNewsArticle|BlogPosting|WebPage|LiveBlogPosting|Report)$/;

/** The JSON-LD object describing the story: the first of an article type, else the first with a date. */
function jsonLdArticle(objects: Record<string, Json>[]): Record<string, Json> | undefined {
  const types = (object: Record<string, Json>) => [object['@type']].flat().map(String);
  return objects.find((object) => types(object).some((type) => ARTICLE_TYPES.test(type)) && object.datePublished)
    ?? objects.find((object) => types(object).some((type) => ARTICLE_TYPES.test(type)))
    ?? objects.find((object) => object.datePublished);
}

function jsonLdNames(value: Json): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonLdNames);
  if (value && typeof value === 'object') {
    const name = (value as Record<string, Json>).name;
    const type = String((value as Record<string, Json>)['@type'] ?? 'Person');
    return typeof name === 'string' && type !== 'Organization' ? [name] : [];
  }
  return [];
}

function metaContent(document: Document, selectors: string[]): string | null {
  for (const selector of selectors) {
    const element = document.querySelector(selector);
    const value = element?.getAttribute('content') ?? element?.getAttribute('datetime');
    if (value?.trim()) return value.trim();
  }
  return null;
}

const DATE_META = [
  'meta[property="article:published_time"]', 'meta[name="article:published_time"]',
  'meta[property="og:published_time"]', 'meta[itemprop="datePublished"]', '[itemprop="datePublished"][datetime]',
  'meta[name="pubdate"]', 'meta[name="publishdate"]', 'meta[name="publish-date"]', 'meta[name="date"]',
  'meta[name="dc.date"]', 'meta[name="DC.date"]', 'meta[name="dc.date.issued"]', 'meta[name="DC.date.issued"]',
  'meta[name="dcterms.created"]', 'meta[name="sailthru.date"]', 'meta[name="parsely-pub-date"]',
  'meta[property="og:article:published_time"]', 'meta[name="citation_publication_date"]',
];

/** The page's stated publication date: JSON-LD, then meta tags, then a `<time datetime>`; null if none. */
function htmlDate(document: Document, article: Record<string, Json> | undefined): Date | null {
  const fromLd = parseMetaDate(typeof article?.datePublished === 'string' ? article.datePublished : null);
  if (fromLd) return fromLd;
  const fromMeta = parseMetaDate(metaContent(document, DATE_META));
  if (fromMeta) return fromMeta;
  const time = document.querySelector('article time[datetime], main time[datetime], time[pubdate][datetime], time[datetime]');
  return parseMetaDate(time?.getAttribute('datetime'));
}

/**
 * Authors the page states, from the first source naming any: JSON-LD, meta author, rel=author,
 * byline elements, Readability's byline, then a "By ..." line anywhere on the page.
 */
function htmlAuthors(
  document: Document, article: Record<string, Json> | undefined, readabilityByline: string | null, pageLines: string[],
): string[] {
  const asNames = (values: string[]) => uniqueNames(values.flatMap((value) => {
    const names = authorsOfByline(value);
    return names.length ? names : [];
  }));
  const sources: (() => string[])[] = [
    () => jsonLdNames(article?.author),
    () => Array.from(document.querySelectorAll('meta[name="author"], meta[name="byl"], meta[name="sailthru.author"]'))
      .map((meta) => meta.getAttribute('content') ?? ''),
    () => Array.from(document.querySelectorAll('a[rel~="author"], [itemprop="author"] [itemprop="name"]')).map((a) => a.textContent ?? ''),
    () => Array.from(document.querySelectorAll('[class*="byline"], [class*="author-name"], [itemprop="author"]'))
      .map((element) => element.textContent ?? ''),
    () => (readabilityByline ? [readabilityByline] : []),
    () => pageLines.filter((line) => BYLINE.test(line) && wordCount(line) <= 20),
  ];
  for (const source of sources) {
    const names = asNames(source().map((value) => value.replace(/\s+/g, ' ').trim()).filter(Boolean));
    if (names.length) return names;
  }
  return [];
}

/**
 * The headline: og:title, JSON-LD headline, the first h1, else the title; without the site's name
 * (og:site_name wherever it stands; a short suffix is taken for the site's name only in a title).
 */
function htmlHeadline(document: Document, article: Record<string, Json> | undefined): string | null {
  const siteName = metaContent(document, ['meta[property="og:site_name"]', 'meta[name="application-name"]']);
  const tidy = (text: string | null | undefined) => text?.replace(/\s+/g, ' ').trim() || null;
  const stated = [
    metaContent(document, ['meta[property="og:title"]', 'meta[name="twitter:title"]']),
    typeof article?.headline === 'string' ? article.headline : null,
    document.querySelector('h1')?.textContent,
  ].map(tidy).find(Boolean);
  if (stated) return withoutSiteName(stated, siteName, false);
  const title = tidy(document.querySelector('title')?.textContent);
  return title ? withoutSiteName(title, siteName) : null;
}

/** The language the page declares: html lang, Content-Language, og:locale, JSON-LD inLanguage. */
function htmlLanguage(document: Document, article: Record<string, Json> | undefined): string | null {
  return document.documentElement?.getAttribute('lang')
    || metaContent(document, ['meta[http-equiv="content-language"]', 'meta[http-equiv="Content-Language"]', 'meta[property="og:locale"]'])
    || (typeof article?.inLanguage === 'string' ? article.inLanguage : null);
}

function normalised(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Cleans an HTML page. The story's text is what Mozilla's Readability finds on a linkedom DOM,
 * then read by the same line rules as `cleanText` (so a share bar or a related list left inside
 * the article goes too); captions are dropped. Headline: og:title, JSON-LD headline, h1 or title,
 * without the site's name. Authors: JSON-LD author(s), meta author, rel=author, then byline
 * elements and "By ..." lines, roles removed. Date: JSON-LD datePublished, article:published_time
 * and other common meta tags, `<time datetime>`, else a dateline or "Published" line in the text;
 * null when the page states none. Language: html lang (or Content-Language), else tinyld.
 * `removed` lists the page's text blocks that are not in the body. `opts.url` lets Readability
 * resolve relative links; it is not used for metadata. Throws BAD_USER_INPUT on an empty page.
 */
export function cleanHtml(page: string, opts: { url?: string } = {}): CleanPage {
  if (!page.trim()) throw new BadUserInputError('html', 'the page has no HTML');
  const html = documentOf(page);
  const { document } = parseHTML(html);
  const objects = jsonLdObjects(document);
  const article = jsonLdArticle(objects);
  const headline = htmlHeadline(document, article);
  const pageLines = document.body ? blockLines(document.body as unknown as DomNode) : [];

  const { document: readable } = parseHTML(html);
  if (opts.url) {
    const base = readable.createElement('base');
    base.setAttribute('href', opts.url);
    readable.head?.appendChild(base);
  }
  const parsed = new Readability(readable as unknown as Document, { charThreshold: 200 }).parse();
  const captions: string[] = [];
  let lines = pageLines;
  if (parsed?.content) {
    const { document: content } = parseHTML(`<!doctype html><html><body>${parsed.content}</body></html>`);
    lines = blockLines(content.body as unknown as DomNode, new Set(['FIGCAPTION']), captions);
  }
  if (headline && lines.length && normalised(lines[0]) === normalised(headline)) lines = lines.slice(1);

  const reading = readLines(lines, { headline });
  const stated = htmlAuthors(document, article, parsed?.byline ?? null, pageLines);
  reading.authors = stated.length ? stated : reading.authors;
  reading.publishedAt = htmlDate(document, article) ?? reading.publishedAt;

  const body = normalised(reading.paragraphs.join(' '));
  const removed = uniqueNames([
    ...captions,
    ...reading.removed,
    ...pageLines.filter((line) => line && !body.includes(normalised(line)) && normalised(line) !== normalised(headline ?? '')),
  ]);
  return { ...pageOf(reading, htmlLanguage(document, article)), removed };
}

/**
 * HTML that is a fragment of a story (a feed item's content, `<p>…</p>`) as a document: the DOM
 * gives a fragment no body to read. HTML that is a whole page already is left as it is.
 */
function documentOf(html: string): string {
  return /<body[\s>]/i.test(html) ? html : `<!doctype html><html><body><article>${html}</article></body></html>`;
}
