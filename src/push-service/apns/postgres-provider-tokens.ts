/**
 * The SQL of the shared APNS provider tokens (store/postgres/schema-v4.ts), beside the policy
 * of when to mint (shared-token.ts), as each role keeps its PostgreSQL backend. One exchange is one transaction holding a
 * transaction-scoped advisory lock on the team and key: instances asking at once queue on it,
 * so the first mints and stores, and the others read what it stored.
 */
import type { ProviderTokenStore, StoredProviderToken } from './shared-token.js';
import type { PostgresPool } from '../../store/postgres/postgres-pool.js';

/**
 * The lock's 64-bit key: a hash of the table, team and key id (hashtextextended, PostgreSQL 11+),
 * so two keys' exchanges do not wait for each other nor for Herald's migrations.
 */
const LOCK = `SELECT pg_advisory_xact_lock(hashtextextended('apns_provider_tokens/' || $1 || '/' || $2, 0))`;
const READ = 'SELECT token, issued_at_ms FROM apns_provider_tokens WHERE team_id = $1 AND key_id = $2';
const WRITE = `INSERT INTO apns_provider_tokens (team_id, key_id, token, issued_at_ms) VALUES ($1, $2, $3, $4)
  ON CONFLICT (team_id, key_id) DO UPDATE SET token = EXCLUDED.token, issued_at_ms = EXCLUDED.issued_at_ms`;

export class PostgresProviderTokens implements ProviderTokenStore {
  constructor(private readonly pool: PostgresPool) {}

  exchange(teamId: string, keyId: string, choose: (stored: StoredProviderToken | undefined) => StoredProviderToken): Promise<StoredProviderToken> {
    return this.pool.transaction(async (client) => {
      await client.query(LOCK, [teamId, keyId]);
      const { rows } = await client.query<{ token: string; issued_at_ms: string }>(READ, [teamId, keyId]);
      const row = rows[0];
      const stored = row && { jwt: row.token, issuedAtMs: Number(row.issued_at_ms) };
      const chosen = choose(stored);
      if (chosen.jwt !== stored?.jwt) await client.query(WRITE, [teamId, keyId, chosen.jwt, chosen.issuedAtMs]);
      return chosen;
    });
  }
}
