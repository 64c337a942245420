import type { ArticleRevisionResolvers, CasualtyFigureRevisionResolvers } from '../src/generated/graphql';
import { articleSnapshot, figureSnapshot } from './Snapshot';

/** A millisecond before `at`: the moment whose state a change replaced. */
const justBefore = (at: Date) => new Date(at.getTime() - 1);

// Revision records are returned as they are; the deprecated `previous` is a plain record that the
// Article and CasualtyFigure resolvers know how to resolve.
export const ArticleRevision: ArticleRevisionResolvers = {
  previousSnapshot: ({ previous, entityId, changedAt }, _, { store }) =>
    previous && articleSnapshot(previous, () => store.figuresAsOf(entityId, justBefore(changedAt))),
};

export const CasualtyFigureRevision: CasualtyFigureRevisionResolvers = {
  previousSnapshot: ({ previous, changedAt }, _, { store }) =>
    previous && figureSnapshot(previous, () => store.figuresAsOf(previous.articleId, justBefore(changedAt))),
};
