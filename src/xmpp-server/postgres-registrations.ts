/**
 * Push registrations and unread counters in the PostgreSQL the Herald instances share (tables of
 * store/postgres/schema-v1.ts). Writes are batched per turn (store/postgres/write-batch.ts, the
 * kinds in postgres-registration-writes.ts): each resolves after the COMMIT of its batch's
 * statement, so a write that resolved is durable and visible to every instance. Reads are one
 * statement each.
 */
import type { PostgresPool } from '../store/postgres/postgres-pool.js';
import { PostgresWriteBatcher } from '../store/postgres/write-batch.js';
import {
  CLAIM_AND_COUNT,
  CLAIM_MESSAGE,
  INCREMENT_UNREAD,
  PUT_REGISTRATION,
  REMOVE_ALL_ON,
  REMOVE_REGISTRATION,
  RESET_UNREAD,
} from './postgres-registration-writes.js';
import type { RegistrationBackend } from './registration-backend.js';
import type { Registration } from './registration.js';
import { withStoredExtensions } from './stored-extensions.js';

interface RegistrationRow {
  pubsub_jid: string;
  node: string;
  publish_options: Record<string, string>;
  /** bigint: node-postgres returns it as a string (it may exceed 2^53; epoch ms do not). */
  created_at: string;
}

export class PostgresRegistrations implements RegistrationBackend {
  readonly sharedAcrossInstances = true;

  private readonly writes: PostgresWriteBatcher;

  constructor(private readonly pool: PostgresPool) {
    this.writes = new PostgresWriteBatcher(pool);
  }

  put(user: string, registration: Registration): Promise<void> {
    return this.writes.write(PUT_REGISTRATION, { user, registration });
  }

  remove(user: string, pubsubJid: string, node: string): Promise<void> {
    return this.writes.write(REMOVE_REGISTRATION, { user, pubsubJid, node });
  }

  removeAllOn(user: string, pubsubJid: string): Promise<number> {
    return this.writes.write(REMOVE_ALL_ON, { user, pubsubJid });
  }

  async listFor(user: string): Promise<Registration[]> {
    const { rows } = await this.pool.query<RegistrationRow>(
      `SELECT pubsub_jid, node, publish_options, created_at FROM xmpp_server_registrations
       WHERE user_jid = $1 ORDER BY pubsub_jid, node`,
      [user],
    );
    return rows.map((row) => withStoredExtensions({ pubsubJid: row.pubsub_jid, node: row.node, publishOptions: row.publish_options, createdAt: Number(row.created_at) }));
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

  incrementUnread(user: string): Promise<number> {
    return this.writes.write(INCREMENT_UNREAD, user);
  }

  resetUnread(user: string): Promise<void> {
    return this.writes.write(RESET_UNREAD, user);
  }

  claimMessage(user: string, identity: string): Promise<boolean> {
    return this.writes.write(CLAIM_MESSAGE, { user, identity });
  }

  claimAndCount(user: string, identity: string): Promise<number | undefined> {
    return this.writes.write(CLAIM_AND_COUNT, { user, identity });
  }

  /** By the database's clock, so instances with skewed clocks forget the same rows. */
  async forgetClaims(retentionMs: number): Promise<number> {
    const result = await this.pool.query("DELETE FROM xmpp_server_seen_messages WHERE seen_at < now() - $1 * interval '1 millisecond'", [retentionMs]);
    return result.rowCount ?? 0;
  }
}
