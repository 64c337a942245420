import { parseScrapedArticle, sentenceContaining } from '../src/domain/article-text';

describe('scraped page parsing', () => {
  const page = [
    'Floods Hit the Valley', '', 'Photo of author', '', 'By Jane Doe', '', 'By John Roe', '',
    'WhatsApp Group Join Now', 'Telegram Channel Join Now', '',
    'Rain fell for three days.', 'Rivers rose.', '', 'At least 4 people died. Officials said so.', '',
    'Facebook Page Join Now', '', 'Leave a Comment',
  ].join('\r\n');

  it('takes the headline, every byline and the paragraphs, without furniture', () => {
    expect(parseScrapedArticle(page)).toEqual({
      headline: 'Floods Hit the Valley',
      bylines: ['Jane Doe', 'John Roe'],
      paragraphs: ['Rain fell for three days. Rivers rose.', 'At least 4 people died. Officials said so.'],
    });
  });

  it('keeps a "By ..." sentence inside the story as text', () => {
    expect(parseScrapedArticle('H\n\nFirst.\n\nBy nightfall, calm returned.').paragraphs)
      .toEqual(['First.', 'By nightfall, calm returned.']);
  });

  it('refuses an empty page', () => {
    expect(() => parseScrapedArticle('\n\n')).toThrow(/no text/);
  });

  it('finds the whole sentence around a wording', () => {
    expect(sentenceContaining('A b. At least 4 people died. C.', '4 people')).toBe('At least 4 people died.');
    expect(sentenceContaining('A b.', 'missing')).toBeUndefined();
  });
});
