/**
 * What resolvers receive as parents, per GraphQL type (codegen's mappers): the store's flat records,
 * and connections built by `toConnection`.
 */
import type { Connection } from './pagination';
import type { ExternalArticleModel, NewsConnectionModel, SourceModel } from './news/models';
import type { ImportRecordResult, ImportReport } from './editorial/editorial';
import type { IngestedPlaceProposal, IngestResult } from './ingest/ingest';
import type {
  ArticleRecord, ArticleSummary, AuthorRecord, CasualtyFigureRecord, LocationRecord, RevisionRecord, StatsBucket, StatsResult,
} from './store/records';

export type { ArticleRecord, AuthorRecord, CasualtyFigureRecord, LocationRecord };
export type { ExternalArticleModel, NewsConnectionModel, SourceModel };

/**
 * An article: a full record, or a list page's without its body (`ArticleSummary`), whose `body` and
 * `paragraphs` read it by id. One read `asOf` a moment carries the figures as they stood then.
 */
export type ArticleModel = ArticleSummary & { body?: string; asOfFigures?: CasualtyFigureModel[] };
/**
 * A figure read `asOf` a moment carries its article's figures as they stood then, so that its
 * links (parts, restatements, revisions) are read among them, not among today's.
 */
export type CasualtyFigureModel = CasualtyFigureRecord & { asOfFigures?: readonly CasualtyFigureModel[] };
export type ArticleRevisionModel = RevisionRecord<ArticleRecord>;
/**
 * An article's figures as they stood at one moment, and the digest of their ids and versions that
 * names that state in snapshot ids (resolvers/Snapshot.ts).
 */
export interface FigureSetModel {
  figures: readonly CasualtyFigureRecord[];
  digest: string;
}
/** An article's state at one moment; its figures of that moment, read once when first asked for. */
export type ArticleSnapshotModel = ArticleRecord & { figureSet: () => Promise<FigureSetModel> };
/** A figure's state at one moment, with its article's figures of that moment (its links lead among them). */
export type CasualtyFigureSnapshotModel = CasualtyFigureRecord & { figureSet: () => Promise<FigureSetModel> };
export type CasualtyFigureRevisionModel = RevisionRecord<CasualtyFigureRecord>;
export type ImportReportModel = ImportReport;
export type ImportRecordResultModel = ImportRecordResult;
export type IngestPageResultModel = IngestResult;
export type PlaceProposalModel = IngestedPlaceProposal;
export type ArticleConnectionModel = Connection<ArticleSummary>;
export type AuthorConnectionModel = Connection<AuthorRecord>;
export type LocationConnectionModel = Connection<LocationRecord>;
export type CasualtyFigureConnectionModel = Connection<CasualtyFigureRecord>;
export type CasualtyStatsModel = StatsResult;
export type StatsBucketModel = StatsBucket;
export type RegionSummaryModel = { region: LocationRecord };
