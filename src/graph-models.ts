/**
 * What resolvers receive as parents, per GraphQL type (codegen's mappers): the store's flat records,
 * and connections built by `toConnection`.
 */
import type { Connection } from './pagination';
import type { ArticleRecord, AuthorRecord, CasualtyFigureRecord, LocationRecord } from './store/records';

export type { ArticleRecord, AuthorRecord, CasualtyFigureRecord, LocationRecord };
export type ArticleConnectionModel = Connection<ArticleRecord>;
export type AuthorConnectionModel = Connection<AuthorRecord>;
export type LocationConnectionModel = Connection<LocationRecord>;
export type CasualtyFigureConnectionModel = Connection<CasualtyFigureRecord>;
