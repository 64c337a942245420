/**
 * The one door to remote sources: each definition from the sources file becomes the adapter of its
 * kind, checked against its remote, behind the protections and the page cache of ./remote.
 */
import type { Logger } from '../logger';
import { FeedSource } from './feed';
import { GraphqlSource } from './graphql';
import { type RemoteSourcesOptions, createRemoteSources } from './remote';
import { RestSource } from './rest';
import type { RemoteSources, SourceAdapter, SourceDefinition } from './source';

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

/** What `checkSources` found: the sources whose start-up check failed, with every problem named. */
export type SourceCheckFailure = { sourceId: string; message: string };

/**
 * Runs every adapter's start-up check at once (a GraphQL source's document against the remote's
 * schema), each bounded by its source's timeout; resolves with the failures, never rejects. A source
 * that fails its check still starts: it is reported, and its requests fail (and show in its health)
 * until the remote or the file is fixed, so one remote's change never keeps the gateway down.
 */
export async function checkSources(adapters: readonly SourceAdapter[], definitions: readonly SourceDefinition[]): Promise<SourceCheckFailure[]> {
  const timeouts = new Map(definitions.map((definition) => [definition.id, definition.timeoutMs]));
  const results = await Promise.all(adapters.map(async (adapter) => {
    if (!adapter.check) return null;
    try {
      await adapter.check(AbortSignal.timeout(timeouts.get(adapter.info.id) ?? 2000));
      return null;
    } catch (error) {
      return { sourceId: adapter.info.id, message: error instanceof Error ? error.message : String(error) };
    }
  }));
  return results.filter((failure) => failure !== null);
}

/** The configured sources, checked (failures logged at error level with every problem) and protected; null when none are configured. */
export async function openRemoteSources(
  definitions: SourceDefinition[], options: RemoteSourcesOptions & { log: Logger },
): Promise<RemoteSources | null> {
  if (definitions.length === 0) return null;
  const adapters = createSourceAdapters(definitions);
  for (const failure of await checkSources(adapters, definitions)) {
    options.log.error(failure, 'remote source failed its start-up check; its requests will fail until it is fixed');
  }
  return createRemoteSources(adapters, definitions, options);
}
