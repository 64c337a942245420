import type { Resolvers } from '../src/generated/graphql';
import { Article } from './Article';
import { Author } from './Author';
import { CasualtyFigure } from './CasualtyFigure';
import { ArticleConnection, AuthorConnection, CasualtyFigureConnection, LocationConnection, NewsConnection } from './connections';
import { GazetteerMutation } from './Gazetteer';
import { Location } from './Location';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { ArticleRevision, CasualtyFigureRevision } from './Revision';
import { DateTime } from './scalars';
import { RegionSummary, StatsBucket, StatsQuery } from './Stats';
import { IngestMutation, IngestPageResult, PlaceProposal } from './Ingest';
import { ExternalArticle, NewsItem, NewsMutation, NewsQuery, Source } from './News';

/**
 * Every resolver, one file per GraphQL type (Stats.ts and News.ts hold their families' types and their
 * Query and Mutation fields; Gazetteer.ts the gazetteer's Mutation fields; connections.ts the counts
 * of every connection type).
 */
export const resolvers: Resolvers = {
  Query: { ...Query, ...StatsQuery, ...NewsQuery },
  Mutation: { ...Mutation, ...NewsMutation, ...GazetteerMutation, ...IngestMutation },
  IngestPageResult, PlaceProposal,
  NewsItem, ExternalArticle, Source,
  Article, Author, Location, CasualtyFigure,
  ArticleConnection, AuthorConnection, LocationConnection, CasualtyFigureConnection, NewsConnection,
  ArticleRevision, CasualtyFigureRevision,
  StatsBucket, RegionSummary,
  DateTime,
};
