-- Statistics kept up to date (issue 19): each article's contribution to the answers of a few
-- dashboard shapes (src/store/sql-stats.ts `MATERIALIZED_SHAPES`), and their sums. Every link
-- between figures (partOf, restatement, supersession) stays within one article, so an answer is
-- the sum of its articles' contributions; an article is recounted, by the very statement that
-- answers a question, when anything it is counted from changes. Nothing here is a cache of answers:
-- an article changed since it was last counted (listed in `stats_stale_articles`, by the triggers
-- below, in the writer's own transaction) is counted afresh by every answer until it is recounted.

-- The shapes whose contributions are built (an absent shape is answered by the full statement).
CREATE TABLE IF NOT EXISTS stats_shapes (
  shape      text PRIMARY KEY,
  definition jsonb NOT NULL,
  built_at   timestamptz NOT NULL DEFAULT now()
);

-- Articles changed since they were last counted.
CREATE TABLE IF NOT EXISTS stats_stale_articles (
  article_id integer PRIMARY KEY
);

-- What one article adds to one bucket of a shape's answer (a row of the statement's `per_article`).
CREATE TABLE IF NOT EXISTS stats_contributions (
  shape           text NOT NULL,
  article_id      integer NOT NULL,
  set             smallint NOT NULL,
  region_id       integer,
  unallocated     boolean,
  d_group         text,
  d_outcome       text,
  d_verification  text,
  d_claimant_type text,
  period          timestamp,
  lv              text,
  figures         integer NOT NULL,
  low             integer,
  best            integer,
  best_known      boolean NOT NULL,
  high            integer,
  high_known      boolean NOT NULL,
  disputed        integer NOT NULL
);
CREATE INDEX IF NOT EXISTS stats_contributions_article_idx ON stats_contributions (shape, article_id);

-- The dates an article's countable figures span, by month (UTC): `first_month` is the month of the
-- earliest, `end_month` the month after the latest; `undated` when one of them has no date. A
-- period that holds the span whole takes the article's contribution as it is; a period that misses
-- it gets nothing from it; any other period counts the article afresh.
CREATE TABLE IF NOT EXISTS stats_article_spans (
  shape       text NOT NULL,
  article_id  integer NOT NULL,
  first_month timestamptz,
  end_month   timestamptz,
  undated     boolean NOT NULL,
  PRIMARY KEY (shape, article_id)
);

-- The contributions summed per bucket and span: `n` contributions, `articles` of them with a figure,
-- `best_unknown` / `high_unknown` of them with a bound unknown.
CREATE TABLE IF NOT EXISTS stats_rollup (
  shape           text NOT NULL,
  first_month     timestamptz,
  end_month       timestamptz,
  undated         boolean NOT NULL,
  set             smallint NOT NULL,
  region_id       integer,
  unallocated     boolean,
  d_group         text,
  d_outcome       text,
  d_verification  text,
  d_claimant_type text,
  period          timestamp,
  lv              text,
  n               bigint NOT NULL,
  figures         bigint NOT NULL,
  articles        bigint NOT NULL,
  low             bigint,
  best            bigint,
  best_unknown    bigint NOT NULL,
  high            bigint,
  high_unknown    bigint NOT NULL,
  disputed        bigint NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS stats_rollup_key_idx ON stats_rollup
  (shape, first_month, end_month, undated, set, region_id, unallocated, d_group, d_outcome, d_verification, d_claimant_type, period, lv)
  NULLS NOT DISTINCT;

-- (The migrator splits scripts at semicolons that end a line: inside these bodies none does.)
-- A figure written in any way marks its article (both, when it moves): once per statement, so a
-- bulk load of a million figures marks each article once.
CREATE OR REPLACE FUNCTION casualty_figures_mark_stats_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN INSERT INTO stats_stale_articles SELECT DISTINCT article_id FROM old_figures ON CONFLICT DO NOTHING; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO stats_stale_articles SELECT DISTINCT article_id FROM new_figures ON CONFLICT DO NOTHING; END IF; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER casualty_figures_inserted_mark_stats_stale
  AFTER INSERT ON casualty_figures REFERENCING NEW TABLE AS new_figures
  FOR EACH STATEMENT EXECUTE FUNCTION casualty_figures_mark_stats_stale();
CREATE OR REPLACE TRIGGER casualty_figures_updated_mark_stats_stale
  AFTER UPDATE ON casualty_figures REFERENCING OLD TABLE AS old_figures NEW TABLE AS new_figures
  FOR EACH STATEMENT EXECUTE FUNCTION casualty_figures_mark_stats_stale();
CREATE OR REPLACE TRIGGER casualty_figures_deleted_mark_stats_stale
  AFTER DELETE ON casualty_figures REFERENCING OLD TABLE AS old_figures
  FOR EACH STATEMENT EXECUTE FUNCTION casualty_figures_mark_stats_stale();

-- A place's line of ancestors decides the region its figures fall in: a change to it marks the
-- articles with figures there.
CREATE OR REPLACE FUNCTION location_path_marks_stats_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_stale_articles SELECT DISTINCT f.article_id FROM casualty_figures f WHERE f.location_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.descendant_id ELSE NEW.descendant_id END ON CONFLICT DO NOTHING; IF TG_OP = 'UPDATE' THEN INSERT INTO stats_stale_articles SELECT DISTINCT f.article_id FROM casualty_figures f WHERE f.location_id = OLD.descendant_id ON CONFLICT DO NOTHING; END IF; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER location_paths_mark_stats_stale
  AFTER INSERT OR UPDATE OR DELETE ON location_paths
  FOR EACH ROW EXECUTE FUNCTION location_path_marks_stats_stale();

-- So does the kind of a place on it.
CREATE OR REPLACE FUNCTION location_kind_marks_stats_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_stale_articles SELECT DISTINCT f.article_id FROM casualty_figures f WHERE f.location_id IN (SELECT p.descendant_id FROM location_paths p WHERE p.ancestor_id = NEW.id) ON CONFLICT DO NOTHING; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER locations_mark_stats_stale
  AFTER UPDATE OF kind ON locations
  FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind)
  EXECUTE FUNCTION location_kind_marks_stats_stale();

-- The articles a period cuts: a bound strictly inside the span, or an undated figure beside dated ones.
CREATE INDEX IF NOT EXISTS stats_article_spans_cut_idx ON stats_article_spans
  USING gist (tstzrange(first_month, end_month, '()'));
CREATE INDEX IF NOT EXISTS stats_article_spans_undated_idx ON stats_article_spans (shape) WHERE undated;

-- A table emptied at once (TRUNCATE marks no article) forgets every shape: each is built anew.
CREATE OR REPLACE FUNCTION stats_forget_shapes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM stats_shapes; DELETE FROM stats_contributions; DELETE FROM stats_article_spans; DELETE FROM stats_rollup; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER casualty_figures_truncated_forget_stats
  AFTER TRUNCATE ON casualty_figures FOR EACH STATEMENT EXECUTE FUNCTION stats_forget_shapes();
CREATE OR REPLACE TRIGGER location_paths_truncated_forget_stats
  AFTER TRUNCATE ON location_paths FOR EACH STATEMENT EXECUTE FUNCTION stats_forget_shapes();
