-- What ingestion last read for an article (issue 18): a digest of the page as cleaned (headline,
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
