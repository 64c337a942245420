import type { Context } from '../src/context';
import { BadUserInputError } from '../src/errors';
import type { NodeResolvers, QueryResolvers, ResolversInterfaceTypes, ResolversParentTypes } from '../src/generated/graphql';
import { type NodeType, parseGlobalId, toGlobalId } from '../src/global-ids';

type NodeModel = ResolversInterfaceTypes<ResolversParentTypes>['Node'];

const NOT_A_GLOBAL_ID = 'is not a global id: pass a `Node.id` exactly as it was returned ' +
  '(a per-type id such as "1" names no type: read it with `article(id:)`, `author(id:)` or `location(id:)`)';

/**
 * The object `id` names, through the request's loaders (so one batch per type, and what the reader
 * may not see is null exactly as through `article(id:)`); null for an id the store does not hold.
 * A malformed id is a BAD_USER_INPUT error naming `argument`.
 */
function loadNode(id: string, argument: string, { loaders }: Context): Promise<NodeModel | null> {
  const global = parseGlobalId(id);
  if (!global) throw new BadUserInputError(argument, NOT_A_GLOBAL_ID);
  const loader = {
    Article: loaders.articleById, Author: loaders.authorById, Location: loaders.locationById, CasualtyFigure: loaders.figureById,
  }[global.type];
  return loader.load(global.databaseId);
}

export const NodeQuery: Pick<QueryResolvers, 'node' | 'nodes'> = {
  node: (_, { id }, context) => loadNode(id, 'id', context),

  /** Each id on its own: a malformed one is that item's error (null in place), the others still load in one batch. */
  nodes(_, { ids }, context) {
    const max = context.pagination.maxPageSize;
    if (ids.length > max) {
      throw new BadUserInputError('ids', `takes at most ${max} ids (got ${ids.length}): split them over several requests`);
    }
    return Promise.all(ids.map((id, i) => {
      try {
        return loadNode(id, `ids.${i}`, context);
      } catch (error) {
        return error as Error;
      }
    })) as Promise<(NodeModel | null)[]>;
  },
};

export const Node: NodeResolvers = {
  /** The store's records carry no type name; each type has a field the others lack. */
  __resolveType: (node) => ('headline' in node ? 'Article' : 'outcome' in node ? 'CasualtyFigure' : 'kind' in node ? 'Location' : 'Author'),
};

/** The `id` (global) and `databaseId` (the store's) of a node type, whose parents carry the store's id. */
export function identity(type: NodeType) {
  return {
    id: (parent: { id: string }) => toGlobalId(type, parent.id),
    databaseId: (parent: { id: string }) => parent.id,
  };
}
