-- Casualty statistics: the depth of a place kind, and indexes for aggregating figures by place,
-- article and date.
CREATE OR REPLACE FUNCTION location_rank(kind text) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE kind WHEN 'COUNTRY' THEN 0 WHEN 'ADMIN1' THEN 1 WHEN 'ADMIN2' THEN 2 WHEN 'LOCALITY' THEN 3 ELSE 4 END;

-- Figures by place, with what the aggregation reads, so a region's figures come from the index alone.
-- Not partial: a partial index on `retracted_at IS NULL` tempts the planner to AND its million
-- entries into every other figure lookup.
CREATE INDEX IF NOT EXISTS casualty_figures_stats_idx
  ON casualty_figures (location_id, verification)
  INCLUDE (id, article_id, part_of_id, outcome, population, claimant_type, low, best, high, period_start, retracted_at);
