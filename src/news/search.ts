/**
 * Whether remote text matches a search in web search syntax, as `news` applies it to remote items
 * (the store applies it to articles in SQL): alternatives joined by `or`, each a list of words and
 * "phrases" that must all appear and -words that must not. Matching is on lower-case substrings, so
 * `flood` finds `floods`; it is a check after the source's own search, not a ranking.
 */
export function matchesSearch(search: string, texts: readonly string[]): boolean {
  const text = texts.join('\n').toLowerCase();
  return alternatives(search).some(({ present, absent }) =>
    present.every((term) => text.includes(term)) && !absent.some((term) => text.includes(term)));
}

interface Alternative { present: string[]; absent: string[] }

function alternatives(search: string): Alternative[] {
  const all: Alternative[] = [{ present: [], absent: [] }];
  for (const [, phrase, word] of search.toLowerCase().matchAll(/(-?"[^"]*"?)|(\S+)/g)) {
    const token = phrase ?? word;
    if (token === 'or') {
      all.push({ present: [], absent: [] });
      continue;
    }
    const negated = token.startsWith('-') && token.length > 1;
    const term = (negated ? token.slice(1) : token).replace(/"/g, '').trim();
    if (term !== '') all.at(-1)![negated ? 'absent' : 'present'].push(term);
  }
  return all.filter((alternative) => alternative.present.length + alternative.absent.length > 0);
}
