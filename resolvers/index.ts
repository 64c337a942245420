import type { Resolvers } from '../src/generated/graphql';
import { Article } from './Article';
import { Author } from './Author';
import { CasualtyFigure } from './CasualtyFigure';
import { Location } from './Location';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { ArticleRevision, CasualtyFigureRevision } from './Revision';
import { DateTime } from './scalars';
import { RegionSummary, StatsBucket, StatsQuery } from './Stats';

/** Every resolver, one file per GraphQL type (Stats.ts holds the statistics types and their Query fields). */
export const resolvers: Resolvers = {
  Query: { ...Query, ...StatsQuery },
  Mutation,
  Article, Author, Location, CasualtyFigure,
  ArticleRevision, CasualtyFigureRevision,
  StatsBucket, RegionSummary,
  DateTime,
};
