-- The public's articles about a region, newest first (a dashboard's commonest list) as one index
-- range read from its top: each row of article_regions keeps a copy of its article's publication
-- time, and an index orders a region's published rows as the list does (undated last). Without it
-- the list walked every published article newest first until it had found a page in the region,
-- or, for a small region, read all of the region's rows and sorted them; and PostgreSQL planned it
-- afresh for each request, since a plan made once would have to be one or the other. With it one
-- plan suits every region, so the statement is prepared once per connection (sql-reader.ts).
ALTER TABLE article_regions ADD COLUMN IF NOT EXISTS published_at timestamptz;

UPDATE article_regions r SET published_at = a.published_at
  FROM articles a
 WHERE a.id = r.article_id AND r.published_at IS DISTINCT FROM a.published_at;

CREATE INDEX IF NOT EXISTS article_regions_newest_idx
  ON article_regions (region_id, coalesce(published_at, '-infinity'::timestamptz) DESC, article_id DESC) WHERE published;

-- (The migrator splits scripts at semicolons that end a line: inside these bodies none does.)
-- As in 0014, with the article's publication time copied into the rows it adds.
CREATE OR REPLACE FUNCTION article_regions_add(pairs jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH d AS (
    SELECT c.region_id, c.article_id, sum(c.delta)::integer AS delta
      FROM jsonb_to_recordset(pairs) AS c (region_id integer, article_id integer, delta integer)
     GROUP BY 1, 2 HAVING sum(c.delta) <> 0
  ), gone AS (
    DELETE FROM article_regions r USING d
     WHERE d.delta < 0 AND r.region_id = d.region_id AND r.article_id = d.article_id AND r.places + d.delta <= 0
  ), fewer AS (
    UPDATE article_regions r SET places = r.places + d.delta FROM d
     WHERE d.delta < 0 AND r.region_id = d.region_id AND r.article_id = d.article_id AND r.places + d.delta > 0
  )
  INSERT INTO article_regions (region_id, article_id, places, published, published_at)
  SELECT d.region_id, d.article_id, d.delta, a.status = 'PUBLISHED', a.published_at FROM d JOIN articles a ON a.id = d.article_id WHERE d.delta > 0
  ON CONFLICT (region_id, article_id) DO UPDATE SET places = article_regions.places + EXCLUDED.places; END $$;

-- An article hands a new status or publication time to its rows in the same statement.
CREATE OR REPLACE FUNCTION article_hands_status_to_regions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE article_regions SET published = (NEW.status = 'PUBLISHED'), published_at = NEW.published_at WHERE article_id = NEW.id; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER articles_hand_status_to_regions
  AFTER UPDATE OF status, published_at ON articles
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at)
  EXECUTE FUNCTION article_hands_status_to_regions();
