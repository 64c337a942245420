/** The SQL of history (`HistoryReader`): revisions, and past states rebuilt from them. */
import type { Db } from './db';
import {
  type ArticleRecord, type CasualtyFigureRecord, type ReadScope, type RevisionEntity, type RevisionRecord, reviveDates,
} from './records';
import type { HistoryReader } from './store';
import {
  ARTICLE_COLUMNS, FIGURE_COLUMNS, articleVisible, groupedInKeyOrder, toDbId, toDbIds, whereClause,
} from './sql-common';

/** Reads the revisions that editorial writes record (./sql-writer.ts), in the scope it was made with. */
export class SqlHistory implements HistoryReader {
  constructor(private readonly db: Db, private readonly scope: ReadScope) {}

  async revisionsOf<State>(entity: RevisionEntity, ids: readonly string[]) {
    const { rows } = await this.db.reads('revisions').query<RevisionRecord<State>>(
      `SELECT entity, entity_id::text AS "entityId", version, action, changed_fields AS "changedFields",
              changed_by AS "changedBy", changed_at AS "changedAt", previous
         FROM revisions WHERE entity = $1 AND entity_id = ANY($2::int[]) ORDER BY entity_id, version`,
      [entity, toDbIds(ids)]);
    for (const row of rows) row.previous = row.previous && stateOf(entity, reviveDates(row.previous as object)) as State;
    return groupedInKeyOrder(ids, rows, (row) => row.entityId);
  }

  /**
   * The public reads only articles that are published now as well as then: unpublishing takes an
   * article's past down too. Readers who see drafts read every past published state.
   */
  async articleAsOf(id: string, at: Date) {
    const [[article], figures] = await Promise.all([
      this.statesAsOf<ArticleRecord>('ARTICLE',
        `SELECT ${ARTICLE_COLUMNS} FROM articles a ${whereClause(['a.id = $1', ...articleVisible(this.scope)])}`, id, at),
      this.figuresAsOf(id, at),
    ]);
    if (!article || article.status !== 'PUBLISHED') return null;
    return { article, figures };
  }

  async figuresAsOf(articleId: string, at: Date) {
    const figures = await this.statesAsOf<CasualtyFigureRecord>('CASUALTY_FIGURE',
      `SELECT ${FIGURE_COLUMNS}, f.updated_at AS "updatedAt" FROM casualty_figures f WHERE f.article_id = $1
        ORDER BY f.position, f.id`, articleId, at);
    // The public never sees a figure that was awaiting review or rejected at the time.
    const visible = (figure: CasualtyFigureRecord) =>
      (!figure.retractedAt || figure.retractedAt > at) && (this.scope.unpublished || figure.reviewStatus === 'ACCEPTED');
    return figures.filter(visible);
  }

  /**
   * The states the rows of `sql` (selected by `$1 = id`, each with an "updatedAt") had at `at`: the
   * current row if it has not changed since, else the state the first later change replaced; rows
   * created after `at` are left out.
   */
  private async statesAsOf<State extends { id: string }>(entity: RevisionEntity, sql: string, id: string, at: Date): Promise<State[]> {
    const { rows } = await this.db.reads('revisions').query<State & { updatedAt: Date; replaced: State | null; changedLater: boolean }>(
      `SELECT cur.*, (r.id IS NOT NULL) AS "changedLater", r.previous AS replaced
         FROM (${sql}) cur
         LEFT JOIN LATERAL (
           SELECT id, previous FROM revisions
            WHERE entity = $3 AND entity_id = cur.id::int AND changed_at > $2
            ORDER BY changed_at, version LIMIT 1) r ON cur."updatedAt" > $2`,
      [toDbId(id), at, entity]);
    return rows.flatMap(({ changedLater, replaced, ...current }) => {
      if (!changedLater) return current.updatedAt <= at ? [current as unknown as State] : [];
      return replaced ? [stateOf(entity, reviveDates(replaced)) as State] : [];
    });
  }
}

/**
 * A state as a revision recorded it. A figure's revisions written before the second edition
 * (migration 0007) lack its fields: they were empty and false then; those written before review
 * (0009) lack origin, confidence and review status: every figure was an accepted editor's one.
 */
function stateOf(entity: RevisionEntity, state: object): object {
  return entity === 'CASUALTY_FIGURE'
    ? { restatesId: null, supersedesId: null, who: null, background: false, origin: 'MANUAL', confidence: null, reviewStatus: 'ACCEPTED', ...state }
    : state;
}
