/**
 * The SQL of housekeeping (`Housekeeping`): whether the store is empty, whether the database
 * answers. The schema's version is asked with ./migrate.ts's statement.
 */
import type { Db } from './db';
import { currentVersion } from './migrate';
import type { Housekeeping } from './store';

export class SqlHousekeeping implements Housekeeping {
  constructor(private readonly db: Db) {}

  get engine() {
    return this.db.engine;
  }

  async isEmpty() {
    const { rows } = await this.db.reads('articles').query(`SELECT 1 FROM articles LIMIT 1`);
    return rows.length === 0;
  }

  /** Asks on the probe connection (see `Db.probe`): busy pools do not make it fail. */
  async ping() {
    await this.db.probe('SELECT 1');
  }

  /** Asked on the probe connection, like `ping`. */
  schemaVersion() {
    return currentVersion({ query: (sql, params) => this.db.probe(sql, params) });
  }

  close() {
    return this.db.close();
  }
}
