import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sentenceContaining, splitParagraphs } from '../src/domain/article-text';
import { ErrorCode } from '../src/errors';
import { cleanHtml, cleanText, type CleanPage } from '../src/ingest/clean';
import { authorsOfByline, statedDate, withoutSiteName } from '../src/ingest/metadata';

const seedDir = join(__dirname, '../src/seed/content');
const pagesDir = join(__dirname, 'fixtures/pages');

/** What a fixture page is, written by hand next to it: its story and the furniture around it. */
interface Expected {
  headline: string;
  authors: string[];
  publishedAt: string | null;
  language: string;
  paragraphs: string[];
  /** Furniture the page shows as text: never in the body, always in `removed`. */
  furniture: string[];
  /** What a reader never sees as text (scripts, styles, form buttons): never in the body. */
  hidden?: string[];
}

function cleanFixture(file: string): CleanPage {
  const source = readFileSync(join(pagesDir, file), 'utf8');
  return file.endsWith('.html') ? cleanHtml(source, { url: 'https://example.org/story' }) : cleanText(source);
}

describe('the worked example, cleaned from its scraped text', () => {
  const raw = readFileSync(join(seedDir, 'seed-article.txt'), 'utf8');
  const coding = JSON.parse(readFileSync(join(seedDir, 'seed-article.coding.json'), 'utf8')) as {
    article: { language: string; publishedAt: string | null };
    figures: { wording: string }[];
  };
  const page = cleanText(raw);

  it('keeps every paragraph of the article, in order, and nothing else', () => {
    const paragraphs = splitParagraphs(page.body);
    expect(paragraphs).toHaveLength(14);
    expect(paragraphs[0]).toMatch(/^Pakistani security forces have stepped up operations/);
    // Every line of the page is kept in the body or named as removed, except the headline.
    const lines = raw.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
    for (const line of lines) expect(page.body.includes(line) || page.removed.includes(line) || line === page.headline).toBe(true);
  });

  it('drops the furniture: author photo, byline, channel banners, comment prompt', () => {
    for (const furniture of ['Photo of author', 'By Rawderm', 'Join Now', 'WhatsApp', 'Telegram', 'Leave a Comment']) {
      expect(page.body).not.toContain(furniture);
    }
    expect(page.removed).toEqual(expect.arrayContaining(['Photo of author', 'By Rawderm', 'WhatsApp Group Join Now', 'Leave a Comment']));
  });

  it('keeps the sentence of every coded figure verbatim', () => {
    const rawParagraphs = raw.replace(/\r\n?/g, '\n').split(/\n\s*\n/).join('\n\n');
    for (const { wording } of coding.figures) {
      const sentence = sentenceContaining(rawParagraphs, wording);
      expect(sentence).toBeDefined();
      expect(page.body).toContain(sentence);
    }
  });

  it('reads the headline, the byline, the language, and no date because the page states none', () => {
    expect(page.headline).toBe('Pakistan Targets Balochistan Separatists After Widespread Attacks Kill Dozens');
    expect(page.authors).toEqual(['Rawderm']);
    expect(page.language).toBe(coding.article.language);
    expect(page.publishedAt).toBeNull();
    expect(coding.article.publishedAt).toBeNull();
  });
});

describe.each(readdirSync(pagesDir).filter((file) => !file.endsWith('.json')))('the page %s', (file) => {
  const expected = JSON.parse(readFileSync(join(pagesDir, file.replace(/\.\w+$/, '.expected.json')), 'utf8')) as Expected;
  const page = cleanFixture(file);

  it('keeps every paragraph of the story, in order, as plain text', () => {
    expect(splitParagraphs(page.body)).toEqual(expected.paragraphs);
    expect(page.body).not.toMatch(/[<>{}]/);
  });

  it('drops every piece of furniture, and lists it as removed', () => {
    const survivors = [...expected.furniture, ...(expected.hidden ?? [])].filter((furniture) => page.body.includes(furniture));
    expect(survivors).toEqual([]);
    const removedText = page.removed.join('\n');
    expect(expected.furniture.filter((furniture) => !removedText.includes(furniture))).toEqual([]);
  });

  it('reads the headline, authors, publication date and language the page states', () => {
    expect(page.headline).toBe(expected.headline);
    expect(page.authors).toEqual(expected.authors);
    expect(page.publishedAt?.toISOString() ?? null).toBe(expected.publishedAt);
    expect(page.language).toBe(expected.language);
  });
});

describe('line rules', () => {
  it('keeps one paragraph per line on a page that uses no blank lines, and a story sentence that names a newsletter', () => {
    const page = cleanText([
      'Gunmen kill five at checkpoint in northern district', 'By Omar Saleh',
      'Gunmen killed five soldiers at a checkpoint in the northern district on Monday, the army said.',
      'The group said in its weekly newsletter that 12 of its fighters were killed in the fighting.',
      'Share', 'Comments',
    ].join('\n'));
    expect(splitParagraphs(page.body)).toEqual([
      'Gunmen killed five soldiers at a checkpoint in the northern district on Monday, the army said.',
      'The group said in its weekly newsletter that 12 of its fighters were killed in the fighting.',
    ]);
    expect(page.authors).toEqual(['Omar Saleh']);
    expect(page.removed).toEqual(['By Omar Saleh', 'Share', 'Comments']);
  });

  it('folds the lines of one paragraph when blank lines separate paragraphs', () => {
    const page = cleanText('Rains ease in the north\n\nRain fell for three days\nand rivers rose across the plain, officials said.\n\nSchools reopened on Friday after the water receded, the ministry said.');
    expect(splitParagraphs(page.body)).toEqual([
      'Rain fell for three days and rivers rose across the plain, officials said.',
      'Schools reopened on Friday after the water receded, the ministry said.',
    ]);
  });
});

describe('metadata that is not stated is not guessed', () => {
  it('gives no date for weekdays, or for a date inside the story that is an event, not the publication', () => {
    const page = cleanText([
      'Curfew extended in border town after clashes',
      '',
      'Authorities extended a curfew on Monday in the border town after two days of clashes that killed four people, police said.',
      '',
      'The town was last placed under curfew after riots on March 3, 2024, when nine people died.',
    ].join('\n'));
    expect(page.publishedAt).toBeNull();
  });

  it('takes the date of an opening dateline', () => {
    const page = cleanText('Quake jolts northern coast\n\nTOKYO, Jan. 9, 2027 (Wire) — A strong earthquake struck off the northern coast on Saturday, officials said.');
    expect(page.publishedAt?.toISOString()).toBe('2027-01-09T00:00:00.000Z');
  });

  it('gives no language for a text too short to tell, and none is invented for an undeclared page', () => {
    expect(cleanText('Short headline here').language).toBeNull();
    expect(cleanHtml('<html><body><p>Ok.</p></body></html>').language).toBeNull();
  });

  it('prefers the language a page declares to the detector', () => {
    const html = '<html lang="es-MX"><head><title>Title of the page here</title></head><body><article><p>'
      + 'The council met on Tuesday and approved the budget for the coming year after a long debate. '.repeat(4) + '</p></article></body></html>';
    expect(cleanHtml(html).language).toBe('es');
  });

  it('detects the language of an HTML page that declares none', () => {
    expect(cleanFixture('wire-jsonld.html').language).toBe('en');
  });

  it('names no author when the page names only a desk', () => {
    const html = '<html><head><meta name="author" content="News Desk"><title>Storm closes ports along the coast</title></head>'
      + '<body><article><p>' + 'Ports along the coast were closed on Monday as a storm approached, officials said. '.repeat(4) + '</p></article></body></html>';
    expect(cleanHtml(html).authors).toEqual([]);
  });
});

describe('headlines of HTML pages', () => {
  const story = '<article><p>' + 'Troops and rebels exchanged fire overnight near the border, residents said on Monday. '.repeat(4) + '</p></article>';

  it('keeps an og:title whole when no site name is stated, and drops the suffix of a bare title', () => {
    expect(cleanHtml(`<html><head><meta property="og:title" content="Clashes erupt near border - residents"><title>x</title></head><body>${story}</body></html>`).headline)
      .toBe('Clashes erupt near border - residents');
    expect(cleanHtml(`<html><head><title>Clashes erupt near the northern border | Border Times</title></head><body>${story}</body></html>`).headline)
      .toBe('Clashes erupt near the northern border');
  });
});

describe('bylines', () => {
  it('names the people and drops "By", roles, places and editors', () => {
    expect(authorsOfByline('By Jane Doe and John Roe, Staff Writers')).toEqual(['Jane Doe', 'John Roe']);
    expect(authorsOfByline('Written by Claire Uwase, Senior Correspondent in Goma')).toEqual(['Claire Uwase']);
    expect(authorsOfByline('Reporting by Hana Elbashir; Writing by Tom Aldridge; Editing by Rosa Lindqvist'))
      .toEqual(['Hana Elbashir', 'Tom Aldridge']);
    expect(authorsOfByline('Par Moussa Ouédraogo et Awa Diallo')).toEqual(['Moussa Ouédraogo', 'Awa Diallo']);
  });

  it('keeps a "By ..." sentence of the story as text', () => {
    expect(authorsOfByline('By nightfall, calm had returned to the city.')).toEqual([]);
    const page = cleanText('Calm returns to the capital after protests\n\nBy nightfall, calm had returned to the city, residents said on Sunday.');
    expect(page.body).toBe('By nightfall, calm had returned to the city, residents said on Sunday.');
    expect(page.authors).toEqual([]);
  });
});

describe('headlines', () => {
  it('loses the site name a title carries, whichever side it is on', () => {
    expect(withoutSiteName('Attacks kill 48 in Balochistan | Daily Wire', 'Daily Wire')).toBe('Attacks kill 48 in Balochistan');
    expect(withoutSiteName('Daily Wire - Attacks kill 48 in Balochistan', 'Daily Wire')).toBe('Attacks kill 48 in Balochistan');
    expect(withoutSiteName('Attacks kill 48 in Balochistan – The Wire')).toBe('Attacks kill 48 in Balochistan');
    expect(withoutSiteName('Rain stops play')).toBe('Rain stops play');
    expect(withoutSiteName('Attacks kill 48 in Balochistan - officials', null, false)).toBe('Attacks kill 48 in Balochistan - officials');
  });
});

describe('dates stated in text', () => {
  it('reads a stated day, month and year with its zone, and refuses relative dates', () => {
    expect(statedDate('12 March 2025 14:30 GMT')?.toISOString()).toBe('2025-03-12T14:30:00.000Z');
    expect(statedDate('officials said Sunday')).toBeNull();
    expect(statedDate('yesterday')).toBeNull();
  });
});

describe('bad input', () => {
  it('refuses an empty page with BAD_USER_INPUT', () => {
    expect(() => cleanText(' \n\n ')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT }) }));
    expect(() => cleanHtml('')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT }) }));
  });
});
