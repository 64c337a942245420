import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ALL_TAG } from '../src/cache/cache';
import { MemoryCache } from '../src/cache/memory';
import { ReadThrough } from '../src/cache/read-through';

/** Loads that resolve when told (`openAll`), each to its name and its call's number, recording each call. */
function gatedLoads() {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  const load = (key: string) => () => {
    const call = calls.push(key);
    return new Promise<string>((resolve) => gates.push(() => resolve(`${key}#${call}`)));
  };
  return { calls, load, openAll: () => gates.splice(0).forEach((open) => open()) };
}

/** Lets pending cache lookups (promise turns) run, so loads under way have started. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('reading through the cache', () => {
  it('survives a shared load failing while a caller that joined it is still on its own lookup, and tells both callers', async () => {
    // In a process of its own: Jest's sandbox does not see unhandled rejections, Node's default ends the process on one.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/scripts/read-through-shared-failure.ts'],
      { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual(['store timed out', 'store timed out']);
  });

  it('after a write, starts a load of its own for an entry the write invalidated, and still joins the load under way of any other', async () => {
    const reader = new ReadThrough(new MemoryCache());
    const { calls, load, openAll } = gatedLoads();
    const stats = { key: 'stats:7', tags: ['stats:7'] };
    const article = { key: 'article:9', tags: ['article:9'] };
    const firstStats = reader.one(stats, 60, load('stats'));
    const firstArticle = reader.one(article, 60, load('article'));
    await settle();
    await reader.invalidate(['article:9', 'articles']);
    const laterStats = reader.one(stats, 60, load('stats'));
    const laterArticle = reader.one(article, 60, load('article'));
    await settle();
    openAll();
    expect(calls).toEqual(['stats', 'article', 'article']);
    // The stats' one load answers both; the article's second load answers the request after the write.
    expect(await Promise.all([firstStats, laterStats, firstArticle, laterArticle])).toEqual(['stats#1', 'stats#1', 'article#2', 'article#3']);
  });

  it('after everything was invalidated, starts a load of its own for every entry', async () => {
    const reader = new ReadThrough(new MemoryCache());
    const { calls, load, openAll } = gatedLoads();
    const stats = { key: 'stats:7', tags: ['stats:7'] };
    const first = reader.one(stats, 60, load('stats'));
    await settle();
    await reader.invalidate([ALL_TAG]);
    const later = reader.one(stats, 60, load('stats'));
    await settle();
    openAll();
    expect(calls).toEqual(['stats', 'stats']);
    expect(await Promise.all([first, later])).toEqual(['stats#1', 'stats#2']);
  });
});
