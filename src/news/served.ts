/**
 * What one request took from the remote sources, and how the answer says so: the pages it used
 * bound the answer's `Cache-Control`, stale pages are named in `extensions.sources`, and each source
 * that failed adds one SOURCE_UNAVAILABLE error beside the data the others gave.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from '../context';
import type { SourceUnavailableGatewayError } from '../errors';
import type { ServedPage } from '../sources/source';

/** Collected per request (on the context); resolvers report, `sourcesServedPlugin` answers. */
export class SourcesServed {
  /** The smallest `maxAgeSeconds` of the pages used; undefined when none was. */
  maxAgeSeconds: number | undefined;
  readonly stale = new Set<string>();
  private readonly failures = new Map<string, GraphQLFormattedError>();

  /** A page the answer uses. */
  used(sourceId: string, served: ServedPage): void {
    this.maxAgeSeconds = Math.min(this.maxAgeSeconds ?? Infinity, served.maxAgeSeconds);
    if (served.stale) this.stale.add(sourceId);
  }

  /** A source whose items the field at `path` leaves out: one error per source and field. */
  failed(path: readonly (string | number)[], error: SourceUnavailableGatewayError): void {
    const source = String(error.extensions.source);
    const key = JSON.stringify([source, path]);
    if (!this.failures.has(key)) this.failures.set(key, { message: error.message, path: [...path], extensions: { ...error.extensions } });
  }

  get errors(): GraphQLFormattedError[] {
    return [...this.failures.values()];
  }

  /** Whether a part of the answer is stale or missing: such an answer is never kept by a shared cache. */
  get degraded(): boolean {
    return this.stale.size > 0 || this.failures.size > 0;
  }
}

/**
 * Puts `Context.served` into the answer: `Cache-Control` no longer than the shortest-lived page used
 * (`no-store` when any part was stale or failed, so the whole-response cache never keeps it), the
 * sources' errors after the operation's own, and `extensions.sources: { stale: [ids] }`.
 * Place it before every plugin that reads the answer's errors (metrics, cache-control, `errorStatusPlugin`).
 */
export function sourcesServedPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ contextValue, overallCachePolicy }) {
          return {
            // After execution, as ../http/cache-control does: Apollo's plugin reads the fields' hints first.
            async executionDidEnd() {
              const { served } = contextValue;
              if (served.maxAgeSeconds !== undefined) overallCachePolicy.restrict({ maxAge: served.maxAgeSeconds });
              if (served.degraded) overallCachePolicy.restrict({ maxAge: 0 });
            },
          };
        },
        // Not async in effect: the answer is changed before the plugins after this one read it.
        willSendResponse({ contextValue: { served }, response }) {
          if (response.body.kind !== 'single') return Promise.resolve();
          const result = response.body.singleResult;
          const errors = served.errors;
          if (errors.length > 0) result.errors = [...(result.errors ?? []), ...errors];
          if (served.stale.size > 0) result.extensions = { ...result.extensions, sources: { stale: [...served.stale].sort() } };
          return Promise.resolve();
        },
      };
    },
  };
}
