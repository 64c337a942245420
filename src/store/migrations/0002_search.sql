-- Full-text search over headline (weight A) and body (weight B) with PostgreSQL's English
-- configuration; the same in PostgreSQL and PGlite.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS search tsvector
  GENERATED ALWAYS AS (
    setweight(to_tsvector('english', headline), 'A') || setweight(to_tsvector('english', body), 'B')
  ) STORED;
CREATE INDEX IF NOT EXISTS articles_search_idx ON articles USING gin (search);
