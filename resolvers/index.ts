import type { Resolvers } from '../src/generated/graphql';
import { Article } from './Article';
import { Author } from './Author';
import { CasualtyFigure } from './CasualtyFigure';
import { ArticleConnection, AuthorConnection, CasualtyFigureConnection, LocationConnection, NewsConnection } from './connections';
import { GazetteerMutation } from './Gazetteer';
import { Location } from './Location';
import { Mutation } from './Mutation';
import { Node, NodeQuery, identity } from './Node';
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
 * Query and Mutation fields; Gazetteer.ts the gazetteer's Mutation fields; Node.ts `node`, `nodes`
 * and the global `id` and `databaseId` of every node type; connections.ts the counts of every
 * connection type).
 */
export const resolvers: Resolvers = {
  Query: { ...Query, ...StatsQuery, ...NewsQuery, ...NodeQuery },
  Mutation: { ...Mutation, ...NewsMutation, ...GazetteerMutation, ...IngestMutation },
  Subscription,
  IngestPageResult, PlaceProposal,
  NewsItem, ExternalArticle, Source,
  Node,
  Article: { ...Article, ...identity('Article') },
  Author: { ...Author, ...identity('Author') },
  Location: { ...Location, ...identity('Location') },
  CasualtyFigure: { ...CasualtyFigure, ...identity('CasualtyFigure') },
  ArticleConnection, AuthorConnection, LocationConnection, CasualtyFigureConnection, NewsConnection,
  ArticleRevision, CasualtyFigureRevision, ArticleSnapshot, CasualtyFigureSnapshot,
  StatsBucket, RegionSummary,
  DateTime,
};
