-- Each figure carries a copy of its article's status and publication date, so the statistics read
-- figures alone (from one covering index) instead of looking up the article behind every figure.
-- Triggers keep the copies true whoever writes, on both engines: a figure takes its article's
-- values when it is inserted, moved to another article, or when anything writes the copies
-- directly; an article hands a new status or date on to its figures in the same statement.
-- The copies are nullable only so that a figure naming no stored article fails on its foreign key
-- (a MissingReferenceError), not on a NOT NULL.
ALTER TABLE casualty_figures ADD COLUMN IF NOT EXISTS article_status text;
ALTER TABLE casualty_figures ADD COLUMN IF NOT EXISTS article_published_at timestamptz;

-- Rebuilt below with the copies in it; dropping it first spares the backfill from maintaining it.
DROP INDEX IF EXISTS casualty_figures_stats_idx;

UPDATE casualty_figures f SET article_status = a.status, article_published_at = a.published_at
  FROM articles a WHERE a.id = f.article_id;

-- (The migrator splits scripts at semicolons that end a line: inside these bodies none does.)
CREATE OR REPLACE FUNCTION casualty_figure_takes_article_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT a.status, a.published_at INTO NEW.article_status, NEW.article_published_at
    FROM articles a WHERE a.id = NEW.article_id; RETURN NEW; END $$;

CREATE OR REPLACE TRIGGER casualty_figures_take_article_columns
  BEFORE INSERT OR UPDATE OF article_id, article_status, article_published_at ON casualty_figures
  FOR EACH ROW EXECUTE FUNCTION casualty_figure_takes_article_columns();

CREATE OR REPLACE FUNCTION article_hands_columns_to_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE casualty_figures SET article_status = NEW.status, article_published_at = NEW.published_at
   WHERE article_id = NEW.id; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER articles_hand_columns_to_figures
  AFTER UPDATE OF status, published_at ON articles
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at)
  EXECUTE FUNCTION article_hands_columns_to_figures();

-- Figures by place with everything the statistics read, the copies included: a region's figures
-- come from the index alone. Not partial (see 0004_stats.sql).
CREATE INDEX IF NOT EXISTS casualty_figures_stats_idx
  ON casualty_figures (location_id, verification)
  INCLUDE (id, article_id, part_of_id, outcome, population, claimant_type, low, best, high, period_start,
           retracted_at, article_status, article_published_at);
