-- Other names of places: other spellings ("Nushki" for Noshki), former names, short forms ("Quetta"
-- for Quetta District). `normalized` is the alias lower-cased with accents stripped, computed by the
-- store (src/domain/place-names.ts `normalizePlaceName`), so lookups and uniqueness ignore case and
-- accents alike on every engine (PGlite has no `unaccent`). Existing places are left as they are.

CREATE TABLE IF NOT EXISTS location_aliases (
  location_id integer NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  alias       text NOT NULL CHECK (length(alias) BETWEEN 1 AND 200),
  normalized  text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('SPELLING', 'FORMER', 'SHORT', 'OTHER')),
  CONSTRAINT location_aliases_pkey PRIMARY KEY (location_id, normalized)
);
CREATE INDEX IF NOT EXISTS location_aliases_normalized_idx ON location_aliases (normalized, location_id);
