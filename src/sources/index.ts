/** The one door to the source adapters: each definition from the sources file becomes the adapter of its kind. */
import { FeedSource } from './feed';
import { GraphqlSource } from './graphql';
import { RestSource } from './rest';
import type { SourceAdapter, SourceDefinition } from './source';

/** One adapter per definition, in the file's order. */
export function createSourceAdapters(definitions: SourceDefinition[]): SourceAdapter[] {
  return definitions.map((definition) => {
    switch (definition.kind) {
      case 'graphql': return new GraphqlSource(definition);
      case 'rest': return new RestSource(definition);
      case 'feed': return new FeedSource(definition);
    }
  });
}
