-- Reviewed before counted (issue 18): where a figure came from and whether an editor has accepted
-- it. `origin`: MANUAL (entered by an editor, `addCasualtyFigure`), IMPORTED (from `importArticles`
-- or `npm run import`, which carry an editor's coding), EXTRACTED (proposed by ingestion, with the
-- extractor's `confidence`, 0..1). `review_status`: PENDING (proposed, not yet reviewed), ACCEPTED,
-- REJECTED. Only ACCEPTED figures are listed to the public or counted in the statistics; manual and
-- imported figures are ACCEPTED when written, and every figure stored before this migration stays
-- counted (the defaults; figures with an import key are marked IMPORTED).
ALTER TABLE casualty_figures ADD COLUMN IF NOT EXISTS origin text NOT NULL DEFAULT 'MANUAL';
ALTER TABLE casualty_figures ADD COLUMN IF NOT EXISTS confidence real;
ALTER TABLE casualty_figures ADD COLUMN IF NOT EXISTS review_status text NOT NULL DEFAULT 'ACCEPTED';

-- Rebuilt below with the review status in it; dropping them first spares the backfill from maintaining them.
DROP INDEX IF EXISTS casualty_figures_stats_idx;
DROP INDEX IF EXISTS casualty_figures_live_revisions_idx;

UPDATE casualty_figures SET origin = 'IMPORTED' WHERE import_key IS NOT NULL AND origin = 'MANUAL';

ALTER TABLE casualty_figures DROP CONSTRAINT IF EXISTS casualty_figures_origin_check;
ALTER TABLE casualty_figures ADD CONSTRAINT casualty_figures_origin_check
  CHECK (origin IN ('MANUAL', 'EXTRACTED', 'IMPORTED'));
ALTER TABLE casualty_figures DROP CONSTRAINT IF EXISTS casualty_figures_review_status_check;
ALTER TABLE casualty_figures ADD CONSTRAINT casualty_figures_review_status_check
  CHECK (review_status IN ('PENDING', 'ACCEPTED', 'REJECTED'));
-- An extracted figure always carries the extractor's confidence, and only an extracted one does.
ALTER TABLE casualty_figures DROP CONSTRAINT IF EXISTS casualty_figures_confidence_check;
ALTER TABLE casualty_figures ADD CONSTRAINT casualty_figures_confidence_check
  CHECK ((origin = 'EXTRACTED') = (confidence IS NOT NULL) AND (confidence IS NULL OR confidence BETWEEN 0 AND 1));
-- What an editor wrote is accepted as written: only proposals wait for review or are rejected.
ALTER TABLE casualty_figures DROP CONSTRAINT IF EXISTS casualty_figures_reviewed_check;
ALTER TABLE casualty_figures ADD CONSTRAINT casualty_figures_reviewed_check
  CHECK (origin = 'EXTRACTED' OR review_status = 'ACCEPTED');

-- The statistics read the review status too: rebuilt with it, so a region's figures still come
-- from the index alone. Not partial (see 0004_stats.sql).
CREATE INDEX IF NOT EXISTS casualty_figures_stats_idx
  ON casualty_figures (location_id, verification)
  INCLUDE (id, article_id, part_of_id, outcome, population, claimant_type, low, best, high, period_start,
           retracted_at, article_status, article_published_at, restates_id, supersedes_id, background, position,
           review_status);
-- Only a live, accepted revision supersedes (a proposed one is not part of the coding yet).
CREATE INDEX IF NOT EXISTS casualty_figures_live_revisions_idx
  ON casualty_figures (supersedes_id)
  WHERE supersedes_id IS NOT NULL AND retracted_at IS NULL AND review_status = 'ACCEPTED';
-- An article's figures awaiting review, found when it is published.
CREATE INDEX IF NOT EXISTS casualty_figures_pending_idx
  ON casualty_figures (article_id) WHERE review_status = 'PENDING';

-- A review is recorded like any change to a figure: ACCEPT (as proposed, or edited) or REJECT.
ALTER TABLE revisions DROP CONSTRAINT IF EXISTS revisions_action_check;
ALTER TABLE revisions ADD CONSTRAINT revisions_action_check
  CHECK (action IN ('CREATE', 'UPDATE', 'PUBLISH', 'UNPUBLISH', 'RETRACT', 'ACCEPT', 'REJECT'));
