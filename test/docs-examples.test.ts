import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, validate, type DefinitionNode } from 'graphql';
import { buildSchema } from '../src/schema';

/**
 * Every GraphQL example in the README and docs/ is valid against the schema as it is now, so a
 * renamed field or argument cannot leave a copy-paste example broken. Examples of other graphs
 * (the supergraph with its media subgraph: the README's "Running as a subgraph" and docs/subgraph.md)
 * are left out. A block may hold several operations, each checked on its own with the block's fragments.
 */
const ROOT = join(__dirname, '..');
const schema = buildSchema();

function examplesOf(file: string): string[] {
  let text = readFileSync(join(ROOT, file), 'utf8');
  if (file === 'README.md') text = text.replace(/^## Running as a subgraph[\s\S]*?(?=^## )/m, '');
  return [...text.matchAll(/^( *)```graphql\n([\s\S]*?)^\1```/gm)].map(([, indent, block]) => block.replace(new RegExp(`^${indent}`, 'gm'), ''));
}

const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'subgraph.md').map((f) => `docs/${f}`)];
const examples = files.flatMap((file) => examplesOf(file).map((block, i) => [`${file} #${i + 1}`, block] as const));

describe('the documentation\'s GraphQL examples', () => {
  it('are found (the README and docs/ingestion.md have several)', () => {
    expect(examples.filter(([name]) => name.startsWith('README.md')).length).toBeGreaterThan(3);
    expect(examples.filter(([name]) => name.startsWith('docs/ingestion.md')).length).toBeGreaterThan(3);
  });

  it.each(examples)('%s is valid against the schema', (_, block) => {
    const document = parse(block);
    const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    const operations = document.definitions.filter((d) => d.kind !== Kind.FRAGMENT_DEFINITION);
    for (const operation of operations) {
      const definitions: DefinitionNode[] = [operation, ...fragments];
      const errors = validate(schema, { ...document, definitions }).filter((e) => !/Fragment ".*" is never used/.test(e.message));
      expect(errors.map((e) => e.message)).toEqual([]);
    }
  });
});
