import type { IngestPageResultResolvers, MutationResolvers, PlaceProposalResolvers } from '../src/generated/graphql';
import { ingestPage } from '../src/ingest/ingest';

/** `ingestPage` and what it answers (schema/ingest.graphql); the work is src/ingest/ingest.ts's. */
export const IngestMutation: Pick<MutationResolvers, 'ingestPage'> = {
  ingestPage: (_, { input }, ctx) => ingestPage(ctx.store, ctx.viewer.actor!, input),
};

export const IngestPageResult: IngestPageResultResolvers = {
  proposedFigures: (result) => result.proposed,
  withdrawnFigures: (result) => result.withdrawn,
  removedLines: (result) => result.removed,
};

export const PlaceProposal: PlaceProposalResolvers = {
  parent: (proposal, _, { loaders }) => loaders.locationById.load(proposal.parentId).then((place) => place!),
};
