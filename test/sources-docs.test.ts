import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSourceDefinitions } from '../src/sources/definitions';

/** The sources files the documentation shows are ones the gateway accepts. */
const ROOT = join(__dirname, '..');

function yamlBlocks(file: string): string[] {
  return [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);
}

describe('the documented sources files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsgate-sources-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { BROADSHEET_KEY: 'k', MERIDIAN_TOKEN: 't' };

  it('README\'s loads as it stands', () => {
    const [block] = yamlBlocks('README.md');
    writeFileSync(join(dir, 'readme.yaml'), block);
    expect(loadSourceDefinitions(join(dir, 'readme.yaml'), env).map((source) => source.kind)).toEqual(['feed', 'rest', 'graphql']);
  });

  it('docs/federation.md\'s, one a kind, load together as one file', () => {
    const blocks = yamlBlocks('docs/federation.md');
    expect(blocks).toHaveLength(3);
    writeFileSync(join(dir, 'federation.yaml'), blocks.join(''));
    expect(loadSourceDefinitions(join(dir, 'federation.yaml'), env).map((source) => source.kind)).toEqual(['graphql', 'rest', 'feed']);
  });
});
