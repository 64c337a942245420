-- The filters and orders of issue 20 (docs/store.md, "Filters and orders on 100,000 articles",
-- has each one's plan and time). Lists by ids, authors, places and tags use the keys and GIN
-- indexes of 0001; these cover what had none.

-- Editors' lists of one workflow state (`status: [DRAFT]`), newest first: a walk down this small
-- index (only articles that are not published) instead of sorting every draft.
CREATE INDEX IF NOT EXISTS articles_status_published_desc_idx
  ON articles (status, (coalesce(published_at, '-infinity'::timestamptz)) DESC, id DESC) WHERE status <> 'PUBLISHED';

-- The public's list in one language, newest first: a walk down the language's part of the index,
-- however rare the language (the order's own index would read past every other language's article).
CREATE INDEX IF NOT EXISTS articles_public_language_published_desc_idx
  ON articles (language, (coalesce(published_at, '-infinity'::timestamptz)) DESC, id DESC) WHERE status = 'PUBLISHED';

-- `authors(filter: { search })`: every word of the search starts a word of the name (prefix
-- matches of the 'simple' configuration, which neither stems nor drops words).
CREATE INDEX IF NOT EXISTS authors_name_search_idx ON authors USING gin (to_tsvector('simple', name));

-- Figures by date (`casualtyFigures(orderBy: DATE_DESC | DATE_ASC)`, `filter.periodFrom/periodTo`):
-- the figure's date as the statistics take it, with undated figures last in either order. Not
-- partial, so editors' lists walk them too; the public's conditions filter during the walk.
CREATE INDEX IF NOT EXISTS casualty_figures_date_desc_idx
  ON casualty_figures ((coalesce(period_start, article_published_at, '-infinity'::timestamptz)) DESC, id DESC);
CREATE INDEX IF NOT EXISTS casualty_figures_date_asc_idx
  ON casualty_figures ((coalesce(period_start, article_published_at, 'infinity'::timestamptz)), id);

-- Statistics on the new expressions, collected now rather than at autovacuum's next visit.
ANALYZE articles;
ANALYZE authors;
ANALYZE casualty_figures;
