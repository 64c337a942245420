import { sentenceContaining } from '../src/domain/article-text';

describe('article text', () => {
  it('finds the whole sentence around a wording', () => {
    expect(sentenceContaining('A b. At least 4 people died. C.', '4 people')).toBe('At least 4 people died.');
    expect(sentenceContaining('A b.', 'missing')).toBeUndefined();
  });
});
