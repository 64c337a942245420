-- The model's second edition (docs/domain.md, "Figures in real articles"): restated and competing
-- counts (`restates_id`: the first mention of the same people), revised tolls (`supersedes_id`: the
-- earlier count this one replaces), the text's own words for who was counted (`who`), counts about
-- another, undated event (`background`: kept, never totalled), and three more words of the
-- vocabulary (BETWEEN, THOUSANDS; KILLED_OR_INJURED; MEDICAL). Existing figures keep every value:
-- the new columns are empty or false, and each CHECK only widens.
ALTER TABLE casualty_figures DROP CONSTRAINT IF EXISTS casualty_figures_outcome_check;
ALTER TABLE casualty_figures ADD CONSTRAINT casualty_figures_outcome_check
  CHECK (outcome IN ('KILLED', 'INJURED', 'KILLED_OR_INJURED', 'ABDUCTED', 'DETAINED', 'MISSING'));
ALTER TABLE casualty_figures DROP CONSTRAINT IF EXISTS casualty_figures_qualifier_check;
ALTER TABLE casualty_figures ADD CONSTRAINT casualty_figures_qualifier_check
  CHECK (qualifier IN ('EXACT', 'AT_LEAST', 'MORE_THAN', 'NEARLY', 'ABOUT', 'UP_TO', 'BETWEEN',
                       'SEVERAL', 'DOZENS', 'SCORES', 'HUNDREDS', 'THOUSANDS', 'UNSPECIFIED'));
ALTER TABLE casualty_figures DROP CONSTRAINT IF EXISTS casualty_figures_claimant_type_check;
ALTER TABLE casualty_figures ADD CONSTRAINT casualty_figures_claimant_type_check
  CHECK (claimant_type IN ('OFFICIAL', 'ARMED_GROUP', 'INDEPENDENT', 'WITNESS', 'MEDIA', 'MEDICAL', 'UNKNOWN'));

ALTER TABLE casualty_figures ADD COLUMN IF NOT EXISTS restates_id integer REFERENCES casualty_figures (id);
ALTER TABLE casualty_figures ADD COLUMN IF NOT EXISTS supersedes_id integer REFERENCES casualty_figures (id);
ALTER TABLE casualty_figures ADD COLUMN IF NOT EXISTS who text;
ALTER TABLE casualty_figures ADD COLUMN IF NOT EXISTS background boolean NOT NULL DEFAULT false;
ALTER TABLE casualty_figures DROP CONSTRAINT IF EXISTS casualty_figures_not_own_restatement;
ALTER TABLE casualty_figures ADD CONSTRAINT casualty_figures_not_own_restatement CHECK (restates_id <> id);
ALTER TABLE casualty_figures DROP CONSTRAINT IF EXISTS casualty_figures_not_own_revision;
ALTER TABLE casualty_figures ADD CONSTRAINT casualty_figures_not_own_revision CHECK (supersedes_id <> id);
CREATE INDEX IF NOT EXISTS casualty_figures_restates_idx ON casualty_figures (restates_id) WHERE restates_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS casualty_figures_supersedes_idx ON casualty_figures (supersedes_id) WHERE supersedes_id IS NOT NULL;

-- The statistics read the links and the background flag too (and `position`, which picks a
-- restated set's representative): rebuilt with them, so a region's figures still come from the
-- index alone. Not partial (see 0004_stats.sql).
DROP INDEX IF EXISTS casualty_figures_stats_idx;
CREATE INDEX IF NOT EXISTS casualty_figures_stats_idx
  ON casualty_figures (location_id, verification)
  INCLUDE (id, article_id, part_of_id, outcome, population, claimant_type, low, best, high, period_start,
           retracted_at, article_status, article_published_at, restates_id, supersedes_id, background, position);
-- Which figures a live figure supersedes, answered from the index alone: the statistics read it
-- whole (it holds only revisions), whatever the region.
CREATE INDEX IF NOT EXISTS casualty_figures_live_revisions_idx
  ON casualty_figures (supersedes_id) WHERE supersedes_id IS NOT NULL AND retracted_at IS NULL;
