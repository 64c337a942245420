-- A country's statistics by any kept shape (issue 19): each article's span carries the country
-- every figure its shape reads lies in (null when they lie in several, or one lies in no country),
-- whatever the shape's region level; 0015 kept the region at the shape's level instead. A question
-- filtered to that country reads every figure of such an article, so it adds exactly its kept
-- contribution. For the one shape kept so far (by COUNTRY) the two are the same region, so what is
-- kept stays; the column is renamed for what it now holds (and so a server still writing the old
-- rule fails loudly instead of keeping a province where a country is read).
ALTER TABLE stats_article_spans RENAME COLUMN sole_region_id TO country_id;
ALTER TABLE stats_rollup RENAME COLUMN sole_region_id TO country_id;
ALTER INDEX IF EXISTS stats_article_spans_sole_region_idx RENAME TO stats_article_spans_country_idx;
