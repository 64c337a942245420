import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import type { Context } from '../context';

const VARY = 'Authorization, Newsgate-Subgraph-Secret';

/** How long shared caches and browsers may keep a public answer, in seconds. */
export const DEFAULT_HTTP_MAX_AGE_SECONDS = 30;

/**
 * The `Cache-Control` header of every GraphQL answer, from the schema's `@cacheControl` hints:
 *
 * - a query by the public, without errors: `max-age=<maxAgeSeconds>, public` (or less, where a field's
 *   hint says so), so a CDN or browser may serve it again for that long;
 * - a query with an API key: `private` (the answer may hold drafts and editor-only fields), so no
 *   shared cache keeps it; the max-age still lets the client's own cache do so;
 * - a mutation, an answer with errors, a `maxAgeSeconds` of 0, or any field hinted `maxAge: 0`:
 *   `no-store`.
 *
 * Every answer also says `Vary: Authorization, Newsgate-Subgraph-Secret`: a shared cache must not give
 * the public's answer to a request with a key, nor the other way round, nor a federation router's
 * answer (`_entities`) to a request without the subgraph secret.
 */
export function httpCachePlugins(maxAgeSeconds = DEFAULT_HTTP_MAX_AGE_SECONDS): ApolloServerPlugin<Context>[] {
  const scope: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        // After execution: restricting the policy earlier would make Apollo's plugin ignore the hints.
        async executionDidStart({ contextValue, operation, overallCachePolicy }) {
          return {
            async executionDidEnd() {
              if (operation?.operation !== 'query') overallCachePolicy.restrict({ maxAge: 0 });
              if (contextValue.viewer.role !== 'public') overallCachePolicy.restrict({ scope: 'PRIVATE' });
            },
          };
        },
        async willSendResponse({ response }) {
          response.http.headers.set('vary', VARY);
        },
      };
    },
  };
  return [ApolloServerPluginCacheControl({ defaultMaxAge: maxAgeSeconds }), scope];
}
