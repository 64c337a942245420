import { CLAIMANT_TYPES, GROUPS, LOCATION_KINDS, OUTCOMES, QUALIFIERS, VERIFICATIONS } from '../src/domain/casualty';
import { ALIAS_KINDS } from '../src/domain/place-names';
import { migrate } from '../src/store/migrate';
import { ARTICLE_STATUSES, FIGURE_ORIGINS, REVIEW_STATUSES } from '../src/store/records';
import { sdlEnums } from './support/sdl';
import { openTestDb, type TestDb } from './support/stores';

/** The runtime lists of the code, each the values of one SDL enum. */
const LISTS: Record<string, readonly string[]> = {
  CasualtyOutcome: OUTCOMES,
  PopulationGroup: GROUPS,
  Qualifier: QUALIFIERS,
  ClaimantType: CLAIMANT_TYPES,
  Verification: VERIFICATIONS,
  LocationKind: LOCATION_KINDS,
  LocationAliasKind: ALIAS_KINDS,
  ArticleStatus: ARTICLE_STATUSES,
  FigureOrigin: FIGURE_ORIGINS,
  ReviewStatus: REVIEW_STATUSES,
};

/**
 * Each column a CHECK constraint holds to a list of values (`column IN (...)`), and the SDL enum
 * whose values it must allow, as stored (`role` keeps them in lower case); null for a list that is
 * the store's own and no enum of the graph.
 */
const CHECKED_COLUMNS: Record<string, { enum: string; stored?: (value: string) => string } | null> = {
  'locations.kind': { enum: 'LocationKind' },
  'casualty_figures.outcome': { enum: 'CasualtyOutcome' },
  'casualty_figures.population': { enum: 'PopulationGroup' },
  'casualty_figures.qualifier': { enum: 'Qualifier' },
  'casualty_figures.claimant_type': { enum: 'ClaimantType' },
  'casualty_figures.verification': { enum: 'Verification' },
  'casualty_figures.origin': { enum: 'FigureOrigin' },
  'casualty_figures.review_status': { enum: 'ReviewStatus' },
  'articles.status': { enum: 'ArticleStatus' },
  'revisions.action': { enum: 'RevisionAction' },
  'api_keys.role': { enum: 'Role', stored: (value) => value.toLowerCase() },
  'revisions.entity': null,
  'location_aliases.kind': { enum: 'LocationAliasKind' },
};

const sorted = (values: Iterable<string>) => [...values].sort();

describe('the enum vocabulary, written once in the SDL', () => {
  const enums = sdlEnums();

  it.each(Object.keys(LISTS))('gives the code the values of the SDL\'s %s', (name) => {
    expect(enums.get(name)).toBeDefined();
    expect(sorted(LISTS[name])).toEqual(sorted(enums.get(name)!));
  });

  describe('in the CHECK constraints of a migrated database', () => {
    let t: TestDb;
    /** `table.column` → the values its CHECK allows, read back from pg_constraint. */
    const checked = new Map<string, string[]>();
    beforeAll(async () => {
      t = await openTestDb('pglite');
      await migrate(t.db);
      const { rows } = await t.db.query<{ column: string; definition: string }>(
        `SELECT cl.relname || '.' || a.attname AS "column", pg_get_constraintdef(c.oid) AS definition
           FROM pg_constraint c
           JOIN pg_class cl ON cl.oid = c.conrelid
           JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = current_schema()
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
          WHERE c.contype = 'c' AND cardinality(c.conkey) = 1`);
      for (const { column, definition } of rows) {
        // PostgreSQL writes `x IN ('A', 'B')` back as `(x = ANY (ARRAY['A'::text, 'B'::text]))`.
        const list = /= ANY \(ARRAY\[(.*)\]\)/.exec(definition)?.[1];
        if (list) checked.set(column, [...list.matchAll(/'([^']*)'/g)].map((match) => match[1]));
      }
    });
    afterAll(() => t?.dispose());

    it('finds the lists it checks, and no list it does not know', () => {
      expect(sorted(checked.keys())).toEqual(sorted(Object.keys(CHECKED_COLUMNS)));
    });

    it.each(Object.entries(CHECKED_COLUMNS).filter(([, column]) => column))('allows in %s exactly the values of the SDL\'s enum', (column) => {
      const { enum: name, stored = (value: string) => value } = CHECKED_COLUMNS[column]!;
      expect(enums.get(name)).toBeDefined();
      expect({ column, values: sorted(checked.get(column) ?? []) }).toEqual({ column, values: sorted(enums.get(name)!.map(stored)) });
    });
  });
});
