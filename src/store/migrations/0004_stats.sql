-- Casualty statistics: the depth of a place kind, and indexes for aggregating figures by place,
-- article and date.
CREATE OR REPLACE FUNCTION location_rank(kind text) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE kind WHEN 'COUNTRY' THEN 0 WHEN 'ADMIN1' THEN 1 WHEN 'ADMIN2' THEN 2 WHEN 'LOCALITY' THEN 3 ELSE 4 END;

-- Live figures by place, with what the aggregation reads, so a region's figures come from the index.
CREATE INDEX IF NOT EXISTS casualty_figures_stats_idx
  ON casualty_figures (location_id, verification)
  INCLUDE (id, article_id, part_of_id, outcome, population, claimant_type, low, best, high, period_start)
  WHERE retracted_at IS NULL;
