import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCodedArticle } from '../src/seed/worked-example';
import { openStore } from '../src/store/open';

describe('the embedded store on disk (PGLITE_DATA_DIR)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsgate-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its content across a restart', async () => {
    const first = await openStore({ pgliteDataDir: dir });
    const id = await loadCodedArticle(first);
    await first.close();

    const second = await openStore({ pgliteDataDir: dir });
    try {
      expect(await second.isEmpty()).toBe(false);
      const [article] = await second.articlesByIds([id]);
      expect(article?.headline).toMatch(/^Pakistan Targets Balochistan Separatists/);
      expect((await second.figuresOfArticles([id]))[0]).toHaveLength(8);
    } finally {
      await second.close();
    }
  });
});
