import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';

/** A subgraph to compose: its name in the supergraph, its endpoint, and the headers its `_service` needs. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
  /** Sent with the `_service` request (newsgate's needs `newsgate-subgraph-secret` when it has a secret). */
  headers?: Record<string, string>;
}

/** Thrown when the subgraphs do not compose; `errors` are the composer's messages, one per problem. */
export class CompositionError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`the subgraphs do not compose (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${errors.map((error) => `  - ${error}`).join('\n')}`);
    this.name = 'CompositionError';
  }
}

/** A subgraph's SDL, from its `_service { sdl }`; rejects, naming the subgraph, if it will not say. */
export async function fetchSubgraphSdl(subgraph: SubgraphEndpoint): Promise<string> {
  const response = await fetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...subgraph.headers },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = await response.json().catch(() => ({})) as { data?: { _service?: { sdl?: string } }; errors?: { message: string }[] };
  const sdl = body.data?._service?.sdl;
  if (!response.ok || typeof sdl !== 'string') {
    const reason = body.errors?.map((error) => error.message).join('; ') || `HTTP ${response.status}`;
    throw new Error(`subgraph ${subgraph.name} (${subgraph.url}) did not give its SDL: ${reason}`);
  }
  return sdl;
}

/**
 * Fetches every subgraph's SDL and composes them (Federation 2, with The Guild's composer): resolves
 * with the supergraph SDL a router runs, or rejects with a CompositionError listing every problem.
 */
export async function composeSupergraph(subgraphs: readonly SubgraphEndpoint[]): Promise<string> {
  const sdls = await Promise.all(subgraphs.map(fetchSubgraphSdl));
  const result = composeServices(subgraphs.map(({ name, url }, index) => ({ name, url, typeDefs: parse(sdls[index]!) })));
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return result.supergraphSdl;
}
