-- Ingestion (issue 18). What ingestion last read for an article: a digest of the page as cleaned (headline,
-- body, authors, date, language, and what its feed said), so that ingesting the same page again
-- changes nothing and reports UNCHANGED, while a changed page updates the draft. The article's
-- `source_url` is the page's identity; this table only remembers what that page said last time.

CREATE TABLE IF NOT EXISTS ingested_pages (
  article_id       integer PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  source_id        text CHECK (length(source_id) BETWEEN 1 AND 200),
  digest           text NOT NULL,
  first_ingested   timestamptz NOT NULL DEFAULT now(),
  last_ingested    timestamptz NOT NULL DEFAULT now()
);

-- The editors' review queue (`casualtyFigures(filter: { reviewStatus: [PENDING] })`): the figures
-- awaiting review, few beside the accepted ones, in id order.
CREATE INDEX IF NOT EXISTS casualty_figures_review_queue_idx ON casualty_figures (id)
  WHERE review_status = 'PENDING' AND retracted_at IS NULL;
