-- The public reads published articles only; these partial indexes keep its pages a walk down the
-- sort order (without them the planner sorts every matching article when a status is required).
CREATE INDEX IF NOT EXISTS articles_public_published_desc_idx
  ON articles ((coalesce(published_at, '-infinity'::timestamptz)) DESC, id DESC) WHERE status = 'PUBLISHED';
CREATE INDEX IF NOT EXISTS articles_public_published_asc_idx
  ON articles ((coalesce(published_at, 'infinity'::timestamptz)), id) WHERE status = 'PUBLISHED';
CREATE INDEX IF NOT EXISTS articles_public_updated_idx
  ON articles (updated_at DESC, id DESC) WHERE status = 'PUBLISHED';
