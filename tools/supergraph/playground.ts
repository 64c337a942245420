import { playgroundAssets } from '../../src/http/playground-assets';
import { playgroundPage } from '../../src/http/playground';
import { PLAYGROUND_EXAMPLES } from '../../src/http/playground-examples';

/**
 * GraphiQL for the supergraph router, offline: Hive Gateway's own GraphiQL page loads its script,
 * stylesheet and Monaco workers from unpkg.com (and its landing page from cdnjs), so it stays blank
 * without the internet. Instead the router serves newsgate's playground bundle (built from the
 * installed `graphiql`, see src/http/playground-assets.ts) with the federated query as its first tab.
 */

/** Where the router serves the bundle's files. */
export const SUPERGRAPH_PLAYGROUND_PATH = '/playground';

/** The first tab: one operation answered by both subgraphs. */
export const FEDERATED_EXAMPLE = `# One query, two subgraphs: headlines and places from newsgate,
# images and flags from the media subgraph (found by Article.databaseId and Location.isoCode).
query ArticlesWithMedia {
  articles(first: 5) {
    edges {
      node {
        headline
        images { url caption credit width height }
        locations { name isoCode flagUrl }
      }
    }
  }
}
`;

/**
 * The page newsgate serves (src/http/playground.ts), its files from SUPERGRAPH_PLAYGROUND_PATH, the
 * federated query and then newsgate's own examples as tabs.
 */
export async function supergraphPlaygroundPage(): Promise<string> {
  return playgroundPage(await playgroundAssets(), SUPERGRAPH_PLAYGROUND_PATH, {
    examples: [{ query: FEDERATED_EXAMPLE }, ...PLAYGROUND_EXAMPLES],
    title: 'newsgate supergraph · GraphQL playground',
  });
}

/** A Hive Gateway plugin's request hook (typed by hand: see ./hive-router.ts). */
export interface HivePlugin {
  onRequest(payload: { url: URL; endResponse(response: Response): void; fetchAPI: { Response: typeof Response } }): Promise<void>;
}

/** Serves the bundle's files at `GET /playground/<name>` (404 for any other name); other requests pass on. */
export function servePlaygroundAssets(): HivePlugin {
  const prefix = `${SUPERGRAPH_PLAYGROUND_PATH}/`;
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(prefix)) return;
      const file = (await playgroundAssets()).files.get(url.pathname.slice(prefix.length));
      endResponse(file
        ? new fetchAPI.Response(Buffer.from(file.body), { headers: { 'content-type': file.contentType, 'cache-control': 'public, max-age=31536000, immutable' } })
        : new fetchAPI.Response('no such playground file', { status: 404, headers: { 'content-type': 'text/plain' } }));
    },
  };
}
