/**
 * Push registrations and unread counters in the PostgreSQL the Herald instances share (tables of
 * store/postgres/schema-v1.ts). Every statement is its own transaction and resolves after its
 * COMMIT (store/postgres/postgres-pool.ts), so a write that resolved is durable and visible to
 * every instance.
 */
import type { PostgresPool } from '../store/postgres/postgres-pool.js';
import type { RegistrationBackend } from './registration-backend.js';
import type { Registration } from './registration.js';

interface RegistrationRow {
  pubsub_jid: string;
  node: string;
  publish_options: Record<string, string>;
  /** bigint: node-postgres returns it as a string (it may exceed 2^53; epoch ms do not). */
  created_at: string;
}

export class PostgresRegistrations implements RegistrationBackend {
  readonly sharedAcrossInstances = true;

  constructor(private readonly pool: PostgresPool) {}

  async put(user: string, r: Registration): Promise<void> {
    await this.pool.query(
      `INSERT INTO xmpp_server_registrations (user_jid, pubsub_jid, node, publish_options, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_jid, pubsub_jid, node)
       DO UPDATE SET publish_options = EXCLUDED.publish_options, created_at = EXCLUDED.created_at`,
      [user, r.pubsubJid, r.node, r.publishOptions, r.createdAt],
    );
  }

  async remove(user: string, pubsubJid: string, node: string): Promise<void> {
    await this.pool.query('DELETE FROM xmpp_server_registrations WHERE user_jid = $1 AND pubsub_jid = $2 AND node = $3', [user, pubsubJid, node]);
  }

  async removeAllOn(user: string, pubsubJid: string): Promise<number> {
    const result = await this.pool.query('DELETE FROM xmpp_server_registrations WHERE user_jid = $1 AND pubsub_jid = $2', [user, pubsubJid]);
    return result.rowCount ?? 0;
  }

  async listFor(user: string): Promise<Registration[]> {
    const { rows } = await this.pool.query<RegistrationRow>(
      `SELECT pubsub_jid, node, publish_options, created_at FROM xmpp_server_registrations
       WHERE user_jid = $1 ORDER BY pubsub_jid, node`,
      [user],
    );
    return rows.map((row) => ({ pubsubJid: row.pubsub_jid, node: row.node, publishOptions: row.publish_options, createdAt: Number(row.created_at) }));
  }

  async has(user: string, pubsubJid: string, node: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM xmpp_server_registrations WHERE user_jid = $1 AND pubsub_jid = $2 AND node = $3) AS found',
      [user, pubsubJid, node],
    );
    return rows[0]!.found;
  }

  async nodesOn(user: string, pubsubJid: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ node: string }>('SELECT node FROM xmpp_server_registrations WHERE user_jid = $1 AND pubsub_jid = $2 ORDER BY node', [user, pubsubJid]);
    return rows.map((row) => row.node);
  }

  async hasAny(user: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM xmpp_server_registrations WHERE user_jid = $1) AS found', [user]);
    return rows[0]!.found;
  }

  async countFor(user: string): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>('SELECT count(*)::integer AS count FROM xmpp_server_registrations WHERE user_jid = $1', [user]);
    return rows[0]!.count;
  }

  async unreadCount(user: string): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>('SELECT count FROM xmpp_server_unread WHERE user_jid = $1', [user]);
    return rows[0]?.count ?? 0;
  }

  /** One statement, so the row lock makes concurrent increments (any instance) wait for each other: none is lost. */
  async incrementUnread(user: string): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(
      `INSERT INTO xmpp_server_unread AS unread (user_jid, count) VALUES ($1, 1)
       ON CONFLICT (user_jid) DO UPDATE SET count = unread.count + 1
       RETURNING count`,
      [user],
    );
    return rows[0]!.count;
  }

  /** No row is 0 (as LMDB removes a zero counter). */
  async resetUnread(user: string): Promise<void> {
    await this.pool.query('DELETE FROM xmpp_server_unread WHERE user_jid = $1', [user]);
  }

  /**
   * The primary key decides: of two instances inserting the same (user, identity), one gets the
   * row back. PostgreSQL's text holds no NUL, the separator inside identities (push-policy.ts):
   * it is stored as U+0001, which XML (so no id nor JID) can hold either, so no two differ.
   */
  async claimMessage(user: string, identity: string): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO xmpp_server_seen_messages (user_jid, identity) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1',
      [user, identity.replaceAll('\u0000', '\u0001')],
    );
    return result.rowCount === 1;
  }

  /** By the database's clock, so instances with skewed clocks forget the same rows. */
  async forgetClaims(retentionMs: number): Promise<number> {
    const result = await this.pool.query("DELETE FROM xmpp_server_seen_messages WHERE seen_at < now() - $1 * interval '1 millisecond'", [retentionMs]);
    return result.rowCount ?? 0;
  }
}
