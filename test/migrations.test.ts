import { currentVersion, loadMigrations, migrate } from '../src/store/migrate';
import { ENGINES, openTestDb, type TestDb } from './support/stores';
import { postgresAvailable } from './support/services';

const newest = Math.max(...loadMigrations().map((m) => m.version));

for (const engine of ENGINES) {
  (engine === 'postgres' && !postgresAvailable() ? describe.skip : describe)(`migrations [${engine}]`, () => {
    let t: TestDb;
    beforeAll(async () => { t = await openTestDb(engine); });
    afterAll(() => t.dispose());

    it('bring a database at an older version forward, keeping its content', async () => {
      expect(await migrate(t.db, 1)).toEqual([1]);
      expect(await currentVersion(t.db)).toBe(1);
      await t.db.query(`INSERT INTO authors (slug, name) VALUES ('kept', 'Kept Author')`);
      await t.db.query(`INSERT INTO articles (slug, headline, body) VALUES ('old', 'Old news', 'Floods in the valley.')`);

      const applied = await migrate(t.db);
      expect(applied).toEqual(loadMigrations().filter((m) => m.version > 1).map((m) => m.version));
      expect(await currentVersion(t.db)).toBe(newest);
      const { rows } = await t.db.query(`SELECT slug FROM articles WHERE search @@ websearch_to_tsquery('english', 'flood')`);
      expect(rows).toEqual([{ slug: 'old' }]);
      expect((await t.db.query(`SELECT name FROM authors`)).rows).toEqual([{ name: 'Kept Author' }]);
    });

    it('change nothing when run again', async () => {
      expect(await migrate(t.db)).toEqual([]);
      expect(await currentVersion(t.db)).toBe(newest);
    });
  });
}
