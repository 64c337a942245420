-- The statistics select figures by a period on a figure's date, coalesce(period_start,
-- article_published_at): an expression the planner keeps no statistics for, so it guessed that any
-- period keeps 0.5 % of a region's figures (5 rows of Mali's 19,000 in the 20,000-article bench) and
-- chose which side of each hash join to build from that guess. Statistics on the expression, which
-- ANALYZE (and autovacuum's) collects like a column's, let it size the figures it reads; the
-- statistics statement then builds its hash tables from the smaller sides (docs/performance.md).
CREATE STATISTICS IF NOT EXISTS casualty_figures_date_stats
  ON (coalesce(period_start, article_published_at)) FROM casualty_figures;

-- Collected now rather than at autovacuum's next visit: ANALYZE reads a sample, not the table.
ANALYZE casualty_figures;
