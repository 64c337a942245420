-- Articles by region: one row per article and region (a place it reports on, or any place above
-- one), with how many of the article's places lie in that region and a copy of whether the article
-- is published. "The articles about a country" is then one index range instead of a join of every
-- article's places with the country's place tree, and their count is read from an index alone.
-- Triggers keep the rows true whoever writes, on both engines: a place linked to or unlinked from an
-- article, a line of the place tree added or removed (a place moved or deleted), an article's status
-- changed. Rows are counted, not flagged, so an article with two places in one region stays in it
-- until both are gone.
CREATE TABLE IF NOT EXISTS article_regions (
  region_id  integer NOT NULL,
  article_id integer NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  places     integer NOT NULL CHECK (places > 0),
  published  boolean NOT NULL,
  PRIMARY KEY (region_id, article_id)
);
CREATE INDEX IF NOT EXISTS article_regions_public_idx ON article_regions (region_id, article_id) WHERE published;
CREATE INDEX IF NOT EXISTS article_regions_article_idx ON article_regions (article_id);

INSERT INTO article_regions (region_id, article_id, places, published)
SELECT p.ancestor_id, x.article_id, count(*), bool_or(a.status = 'PUBLISHED')
  FROM article_locations x
  JOIN location_paths p ON p.descendant_id = x.location_id
  JOIN articles a ON a.id = x.article_id
 GROUP BY p.ancestor_id, x.article_id
ON CONFLICT DO NOTHING;

-- (The migrator splits scripts at semicolons that end a line: inside these bodies none does.)
-- Adds each pair's `delta` places (summed per region and article) to `pairs`' (region, article)
-- rows: a row appears at its article's first place in the region and goes at its last.
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
  INSERT INTO article_regions (region_id, article_id, places, published)
  SELECT d.region_id, d.article_id, d.delta, a.status = 'PUBLISHED' FROM d JOIN articles a ON a.id = d.article_id WHERE d.delta > 0
  ON CONFLICT (region_id, article_id) DO UPDATE SET places = article_regions.places + EXCLUDED.places; END $$;

-- An article's places, linked or unlinked: once per statement, so a bulk load links each at once.
CREATE OR REPLACE FUNCTION article_locations_keep_regions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changes jsonb; BEGIN
  IF TG_OP = 'INSERT' THEN SELECT jsonb_agg(jsonb_build_object('region_id', p.ancestor_id, 'article_id', c.article_id, 'delta', c.n)) INTO changes FROM (SELECT article_id, location_id, count(*) AS n FROM new_links GROUP BY 1, 2) c JOIN location_paths p ON p.descendant_id = c.location_id; ELSE SELECT jsonb_agg(jsonb_build_object('region_id', p.ancestor_id, 'article_id', c.article_id, 'delta', -c.n)) INTO changes FROM (SELECT article_id, location_id, count(*) AS n FROM old_links GROUP BY 1, 2) c JOIN location_paths p ON p.descendant_id = c.location_id; END IF; IF changes IS NOT NULL THEN PERFORM article_regions_add(changes); END IF; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER article_locations_inserted_keep_regions
  AFTER INSERT ON article_locations REFERENCING NEW TABLE AS new_links
  FOR EACH STATEMENT EXECUTE FUNCTION article_locations_keep_regions();
CREATE OR REPLACE TRIGGER article_locations_deleted_keep_regions
  AFTER DELETE ON article_locations REFERENCING OLD TABLE AS old_links
  FOR EACH STATEMENT EXECUTE FUNCTION article_locations_keep_regions();

-- A link that changes its article or place is an unlink and a link.
CREATE OR REPLACE FUNCTION article_location_moved_keeps_regions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM article_regions_add(coalesce((SELECT jsonb_agg(jsonb_build_object('region_id', p.ancestor_id, 'article_id', OLD.article_id, 'delta', -1)) FROM location_paths p WHERE p.descendant_id = OLD.location_id), '[]'::jsonb) || coalesce((SELECT jsonb_agg(jsonb_build_object('region_id', p.ancestor_id, 'article_id', NEW.article_id, 'delta', 1)) FROM location_paths p WHERE p.descendant_id = NEW.location_id), '[]'::jsonb)); RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER article_locations_moved_keep_regions
  AFTER UPDATE OF article_id, location_id ON article_locations
  FOR EACH ROW WHEN (OLD.article_id IS DISTINCT FROM NEW.article_id OR OLD.location_id IS DISTINCT FROM NEW.location_id)
  EXECUTE FUNCTION article_location_moved_keeps_regions();

-- A line of the place tree added or removed puts every article at its lower place in or out of the
-- region at its upper place (a move deletes the old lines and inserts the new ones).
CREATE OR REPLACE FUNCTION location_paths_keep_regions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changes jsonb; BEGIN
  IF TG_OP = 'INSERT' THEN SELECT jsonb_agg(jsonb_build_object('region_id', c.ancestor_id, 'article_id', c.article_id, 'delta', c.n)) INTO changes FROM (SELECT p.ancestor_id, x.article_id, count(*) AS n FROM new_paths p JOIN article_locations x ON x.location_id = p.descendant_id GROUP BY 1, 2) c; ELSE SELECT jsonb_agg(jsonb_build_object('region_id', c.ancestor_id, 'article_id', c.article_id, 'delta', -c.n)) INTO changes FROM (SELECT p.ancestor_id, x.article_id, count(*) AS n FROM old_paths p JOIN article_locations x ON x.location_id = p.descendant_id GROUP BY 1, 2) c; END IF; IF changes IS NOT NULL THEN PERFORM article_regions_add(changes); END IF; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER location_paths_inserted_keep_regions
  AFTER INSERT ON location_paths REFERENCING NEW TABLE AS new_paths
  FOR EACH STATEMENT EXECUTE FUNCTION location_paths_keep_regions();
CREATE OR REPLACE TRIGGER location_paths_deleted_keep_regions
  AFTER DELETE ON location_paths REFERENCING OLD TABLE AS old_paths
  FOR EACH STATEMENT EXECUTE FUNCTION location_paths_keep_regions();

-- An article hands a new status to its rows in the same statement.
CREATE OR REPLACE FUNCTION article_hands_status_to_regions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE article_regions SET published = (NEW.status = 'PUBLISHED') WHERE article_id = NEW.id; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER articles_hand_status_to_regions
  AFTER UPDATE OF status ON articles
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION article_hands_status_to_regions();

-- A table emptied at once (TRUNCATE fires no row or statement trigger of the kinds above) empties
-- this one; what is linked afterwards is added as usual.
CREATE OR REPLACE FUNCTION article_regions_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM article_regions; RETURN NULL; END $$;

CREATE OR REPLACE TRIGGER article_locations_truncated_forget_regions
  AFTER TRUNCATE ON article_locations FOR EACH STATEMENT EXECUTE FUNCTION article_regions_forget();
CREATE OR REPLACE TRIGGER location_paths_truncated_forget_regions
  AFTER TRUNCATE ON location_paths FOR EACH STATEMENT EXECUTE FUNCTION article_regions_forget();
