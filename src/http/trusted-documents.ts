import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PersistedQueryOptions } from '@apollo/server';
import { PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { GraphQLError } from 'graphql';
import { z } from 'zod';
import { ErrorCode, GatewayError } from '../errors';

/** `{ "<sha256 hex of the document>": "<document>" }`. */
const HashToDocument = z.record(z.string(), z.string());

/** The manifest `@apollo/generate-persisted-query-manifest` writes for Apollo Client. */
const ApolloManifest = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id: z.string(), body: z.string() })),
});

/** Lower-case hex SHA-256 of a document's exact text: the id clients and the manifest use. */
export function documentHash(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

/** Thrown at start when a manifest cannot be used; the message says what is wrong and where. */
export class TrustedDocumentsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustedDocumentsError';
  }
}

/**
 * The operations a gateway in trusted-documents mode runs, and nothing else. Clients send either the
 * document's text, which must hash to a listed id, or only its id as Apollo's persisted-query
 * extension: `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"<id>"}}}`.
 */
export class TrustedDocuments {
  private constructor(private readonly documents: ReadonlyMap<string, string>) {}

  /**
   * Builds the list from a parsed manifest: `{ "<sha256>": "<document>" }`, or Apollo's persisted
   * query manifest (`{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id,
   * body }] }`). Throws a TrustedDocumentsError when the shape is neither, or when an id is not the
   * SHA-256 of its document (naming every such id), so a wrong manifest fails at start rather than
   * refusing requests one by one.
   */
  static fromManifest(manifest: unknown, source = 'the trusted documents manifest'): TrustedDocuments {
    const entries = entriesOf(manifest, source);
    const wrong = entries.filter(([id, document]) => id !== documentHash(document)).map(([id]) => id);
    if (wrong.length > 0) {
      throw new TrustedDocumentsError(`${source}: these ids are not the SHA-256 (lower-case hex) of their document: ` +
        `${wrong.join(', ')}. Regenerate the manifest from the client's operations.`);
    }
    return new TrustedDocuments(new Map(entries));
  }

  /** Reads a manifest file (JSON, see `fromManifest`). Throws a TrustedDocumentsError naming the file. */
  static load(path: string): TrustedDocuments {
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new TrustedDocumentsError(`cannot read the trusted documents manifest ${path}: ${(error as Error).message}`);
    }
    return TrustedDocuments.fromManifest(manifest, path);
  }

  get size(): number {
    return this.documents.size;
  }

  /** Whether the document whose SHA-256 is `hash` is on the list. */
  has(hash: string | undefined): boolean {
    return hash !== undefined && this.documents.has(hash);
  }

  /**
   * Apollo's `persistedQueries` option for this list: a request naming a listed id runs its
   * document; one naming an unknown id gets Apollo's PERSISTED_QUERY_NOT_FOUND. Nothing a client
   * sends is ever stored, so clients cannot add to the list.
   */
  persistedQueries(): PersistedQueryOptions {
    const documents = this.documents;
    const readOnly: KeyValueCache<string> = {
      get: async (hash) => documents.get(hash),
      set: async () => undefined,
      delete: async () => false,
    };
    // The ids are the manifest's own keys, not a namespace shared with other caches.
    return { cache: PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(readOnly), ttl: null };
  }
}

/** The refusal for an operation that is not on the list: DOCUMENT_NOT_TRUSTED. */
export function untrustedDocumentError(): GraphQLError {
  return new GatewayError(ErrorCode.DOCUMENT_NOT_TRUSTED, {}, { refusal: true });
}

function entriesOf(manifest: unknown, source: string): [string, string][] {
  const apollo = ApolloManifest.safeParse(manifest);
  if (apollo.success) return apollo.data.operations.map((operation) => [operation.id, operation.body]);
  const plain = HashToDocument.safeParse(manifest);
  if (plain.success) return Object.entries(plain.data);
  throw new TrustedDocumentsError(`${source} must be a JSON object { "<sha256>": "<document>" } ` +
    'or an Apollo persisted query manifest { "format": "apollo-persisted-query-manifest", "version": 1, "operations": [...] }');
}
