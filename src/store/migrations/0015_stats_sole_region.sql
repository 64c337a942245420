-- A region's statistics from the kept contributions (issue 19): each article's sole region at its
-- shape's level, when every figure the shape reads of it lies in that one region (exactly, not
-- known only more coarsely); null when they lie in several, or one lies nowhere that fine. Such an
-- article adds to a question filtered to its region exactly what it adds to the world, so its kept
-- contribution answers it; every other article with figures there is counted afresh. The sums are
-- kept per sole region too, so a region's kept articles are one index range of them.
ALTER TABLE stats_article_spans ADD COLUMN IF NOT EXISTS sole_region_id integer;
ALTER TABLE stats_rollup ADD COLUMN IF NOT EXISTS sole_region_id integer;

DROP INDEX IF EXISTS stats_rollup_key_idx;
CREATE UNIQUE INDEX IF NOT EXISTS stats_rollup_key_idx ON stats_rollup
  (shape, sole_region_id, first_month, end_month, undated, set, region_id, unallocated, d_group, d_outcome, d_verification, d_claimant_type, period, lv)
  NULLS NOT DISTINCT;
CREATE INDEX IF NOT EXISTS stats_article_spans_sole_region_idx ON stats_article_spans (shape, sole_region_id, article_id)
  WHERE sole_region_id IS NOT NULL;

-- The contributions kept so far know no sole region: every shape is built anew (`npm run migrate`
-- builds them after migrating; else the first question of each shape does).
DELETE FROM stats_shapes;
DELETE FROM stats_contributions;
DELETE FROM stats_article_spans;
DELETE FROM stats_rollup;
