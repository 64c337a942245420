/** The SQL of API keys (`ApiKeyStore`): the `api_keys` table. */
import type { Db } from './db';
import type { ApiKeyRecord } from './records';
import type { ApiKeyStore } from './store';

const API_KEY_SELECT = `SELECT id, name, role, secret_hash AS "secretHash", created_at AS "createdAt",
  revoked_at AS "revokedAt" FROM api_keys`;

export class SqlApiKeys implements ApiKeyStore {
  constructor(private readonly db: Db) {}

  async apiKeyById(id: string) {
    const { rows } = await this.db.reads('keys').query<ApiKeyRecord>(`${API_KEY_SELECT} WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async insertApiKey(key: Omit<ApiKeyRecord, 'createdAt' | 'revokedAt'>) {
    const { rows } = await this.db.query<ApiKeyRecord>(
      `INSERT INTO api_keys (id, name, role, secret_hash) VALUES ($1, $2, $3, $4)
       RETURNING id, name, role, secret_hash AS "secretHash", created_at AS "createdAt", revoked_at AS "revokedAt"`,
      [key.id, key.name, key.role, key.secretHash]);
    return rows[0];
  }

  async revokeApiKey(id: string) {
    const { rows } = await this.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [id]);
    return rows.length === 1;
  }

  async listApiKeys() {
    return (await this.db.reads('keys').query<ApiKeyRecord>(`${API_KEY_SELECT} ORDER BY created_at, id`)).rows;
  }
}
