import type { Resolvers } from '../src/generated/graphql';
import { Article } from './Article';
import { Author } from './Author';
import { CasualtyFigure } from './CasualtyFigure';
import { Location } from './Location';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { ArticleRevision, CasualtyFigureRevision } from './Revision';
import { DateTime } from './scalars';

/** Every resolver, one file per GraphQL type. */
export const resolvers: Resolvers = {
  Query, Mutation, Article, Author, Location, CasualtyFigure, ArticleRevision, CasualtyFigureRevision, DateTime,
};
