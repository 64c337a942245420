import type { Resolvers } from '../src/generated/graphql';
import { Article } from './Article';
import { Author } from './Author';
import { CasualtyFigure } from './CasualtyFigure';
import { GazetteerMutation } from './Gazetteer';
import { Location } from './Location';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { ArticleRevision, CasualtyFigureRevision } from './Revision';
import { ArticleSnapshot, CasualtyFigureSnapshot } from './Snapshot';
import { DateTime } from './scalars';
import { RegionSummary, StatsBucket, StatsQuery } from './Stats';
import { Subscription } from './Subscription';
import { IngestMutation, IngestPageResult, PlaceProposal } from './Ingest';
import { ExternalArticle, NewsItem, NewsMutation, NewsQuery, Source } from './News';

/**
 * Every resolver, one file per GraphQL type (Stats.ts and News.ts hold their families' types and their
 * Query and Mutation fields; Gazetteer.ts the gazetteer's Mutation fields).
 */
export const resolvers: Resolvers = {
  Query: { ...Query, ...StatsQuery, ...NewsQuery },
  Mutation: { ...Mutation, ...NewsMutation, ...GazetteerMutation, ...IngestMutation },
  Subscription,
  IngestPageResult, PlaceProposal,
  NewsItem, ExternalArticle, Source,
  Article, Author, Location, CasualtyFigure,
  ArticleRevision, CasualtyFigureRevision, ArticleSnapshot, CasualtyFigureSnapshot,
  StatsBucket, RegionSummary,
  DateTime,
};
