import { createHash } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type FieldNode, Kind, parse, valueFromASTUntyped } from 'graphql';

/**
 * An example "media" subgraph, as another team would write it to extend newsgate's types: it adds
 * `images` to newsgate's `Article` (found by its `databaseId` key, the store's number, which this
 * subgraph keeps; newsgate's `id` is a global id) and `flagUrl` to its `Location` (found by
 * its `isoCode` key). It owns no data of newsgate's and needs none: a router hands it the keys. The
 * other way round, `flagsOnFile` returns places by ISO code alone and the router asks newsgate for
 * the rest of each (its `_entities`).
 *
 * Everything it answers is invented and derived from the key alone, so any newsgate store works;
 * the URLs point at `media.example`, a domain that never resolves.
 */
const typeDefs = parse(`#graphql
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  "newsgate's article, seen from here: only its key and what this subgraph adds."
  type Article @key(fields: "databaseId") {
    "newsgate's own number for the article (its \`id\` is a global id)."
    databaseId: ID!
    """
    Pictures for the article, in display order. Nullable, as a field added to another subgraph's
    type should be: while this subgraph is down, routers answer null here and keep the article.
    """
    images: [Image!]
  }

  type Image {
    url: String!
    caption: String!
    credit: String!
    "In pixels."
    width: Int!
    "In pixels."
    height: Int!
  }

  "newsgate's place, found by its ISO 3166 code."
  type Location @key(fields: "isoCode") {
    isoCode: String
    "A flag for the country or province; null for a place without an ISO code."
    flagUrl: String
  }

  type Query {
    "The places this desk holds a flag for; null where newsgate has no place with that code."
    flagsOnFile: [Location]!
  }
`);

export interface Image { url: string; caption: string; credit: string; width: number; height: number }

const MEDIA_ORIGIN = 'https://media.example';

/** The ISO 3166 codes `flagsOnFile` lists. */
export const FLAGS_ON_FILE = ['PK', 'PK-BA', 'AF', 'IN'];

/** Two to four invented images for `articleId`, always the same ones for the same id. */
export function imagesFor(articleId: string): Image[] {
  const digest = createHash('sha256').update(articleId).digest();
  const count = 2 + (digest[0]! % 3);
  return Array.from({ length: count }, (_, index) => {
    const landscape = digest[index + 1]! % 4 !== 0;
    return {
      url: `${MEDIA_ORIGIN}/images/${digest.toString('hex', 0, 8)}-${index + 1}.jpg`,
      caption: `Illustration ${index + 1} of ${count} (invented)`,
      credit: 'Example media desk',
      width: landscape ? 1600 : 900,
      height: landscape ? 900 : 1600,
    };
  });
}

/** The flag's URL for an ISO 3166 code; null when the place has none. */
export function flagUrlFor(isoCode: string | null | undefined): string | null {
  return isoCode ? `${MEDIA_ORIGIN}/flags/${isoCode.toLowerCase()}.svg` : null;
}

const resolvers = {
  Query: {
    flagsOnFile: () => FLAGS_ON_FILE.map((isoCode) => ({ isoCode })),
  },
  Article: {
    __resolveReference: ({ databaseId }: { databaseId: string }) => ({ databaseId }),
    images: ({ databaseId }: { databaseId: string }) => imagesFor(databaseId),
  },
  Location: {
    __resolveReference: ({ isoCode }: { isoCode: string | null }) => ({ isoCode }),
    flagUrl: ({ isoCode }: { isoCode: string | null }) => flagUrlFor(isoCode),
  },
};

/**
 * One request that asked for `_entities`: every representation a router sent in it. A router may
 * ask for several entity types in one request, each under its own alias (Hive Gateway does).
 */
export interface EntitiesCall {
  representations: { __typename: string; [key: string]: unknown }[];
}

export interface MediaSubgraph {
  /** Its GraphQL endpoint. */
  url: string;
  /** Every `_entities` request it has answered, in arrival order. */
  entitiesCalls: EntitiesCall[];
  stop(): Promise<void>;
}

/** Records each `_entities` request's representations, to show how a router batches them. */
function recordEntitiesCalls(calls: EntitiesCall[]): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          const entityFields = (operation?.selectionSet.selections ?? []).filter(
            (selection): selection is FieldNode => selection.kind === Kind.FIELD && selection.name.value === '_entities',
          );
          if (entityFields.length === 0) return;
          const representations = entityFields.flatMap((field) => {
            const argument = field.arguments?.find((arg) => arg.name.value === 'representations');
            return argument ? valueFromASTUntyped(argument.value, request.variables) as EntitiesCall['representations'] : [];
          });
          calls.push({ representations });
        },
      };
    },
  };
}

/** Starts the media subgraph on 127.0.0.1 (`port` 0, the default, picks a free one). */
export async function startMediaSubgraph(port = 0): Promise<MediaSubgraph> {
  const entitiesCalls: EntitiesCall[] = [];
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    // Traces for Apollo's hosted reporting, which nothing here reads.
    plugins: [recordEntitiesCalls(entitiesCalls), ApolloServerPluginInlineTraceDisabled()],
    // Whoever started it stops it (`stop()`); Apollo's own Ctrl-C handler would race that stop.
    stopOnTerminationSignals: false,
  });
  const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  return { url, entitiesCalls, stop: () => server.stop() };
}
