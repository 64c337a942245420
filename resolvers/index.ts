import type { Resolvers } from '../src/generated/graphql';
import { Article } from './Article';
import { Author } from './Author';
import { CasualtyFigure } from './CasualtyFigure';
import { Location } from './Location';
import { Query } from './Query';
import { DateTime } from './scalars';

/** Every resolver, one file per GraphQL type. */
export const resolvers: Resolvers = { Query, Article, Author, Location, CasualtyFigure, DateTime };
