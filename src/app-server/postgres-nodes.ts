/**
 * Push nodes in the PostgreSQL the Herald instances share (tables of store/postgres/schema-v2.ts).
 * Every write resolves after its COMMIT (store/postgres/postgres-pool.ts), so a write that
 * resolved is durable and visible to every instance. Creates, the write of every new device, are
 * batched per turn (store/postgres/write-batch.ts): one statement for the creates of a turn.
 */
import { randomBytes } from 'node:crypto';
import type { PostgresPool } from '../store/postgres/postgres-pool.js';
import { keyOrder, PostgresWriteBatcher, type WriteKind } from '../store/postgres/write-batch.js';
import { REGISTRATION_KEY, REGISTRATION_KEY_BYTES, type NodeBackend } from './node-backend.js';
import type { PushNodeRecord } from './node-record.js';

/**
 * The first key of the two-key advisory locks that serialise one owner's creates (the second is
 * the hash of the owner's JID): "node" read as a 32-bit number, so Herald's locks stay apart from
 * another application's small integers on the same database. PostgreSQL keeps two-key locks
 * apart from one-key ones such as the migration lock (store/postgres/migrations.ts).
 */
export const OWNER_LOCK_CLASS = 0x6e6f6465;

/**
 * PostgreSQL refuses a btree entry over 2 704 bytes (a third of an 8 kB page, less headers:
 * "index row size exceeds btree version 4 maximum 2704"); an entry of app_server_nodes_by_owner
 * is owner + node plus their length headers and the tuple header, so 64 bytes are left for those.
 */
const MAX_OWNER_INDEX_ENTRY_BYTES = 2_704 - 64;

const UPSERT_NODE = `INSERT INTO app_server_nodes (node, owner, record) VALUES ($1, $2, $3)
  ON CONFLICT (node) DO UPDATE SET owner = EXCLUDED.owner, record = EXCLUDED.record`;

/**
 * jsonb equality ignores key order and whitespace, and pg sends the expected record through
 * JSON.stringify, which drops undefined fields as the stored record never had them: equal
 * records compare equal (node-record.ts sameRecord). A removed node has no row to update.
 */
const REPLACE_IF_UNCHANGED = `UPDATE app_server_nodes SET owner = $3, record = $4 WHERE node = $1 AND record = $2::jsonb`;

/** As REPLACE_IF_UNCHANGED compares. */
const REMOVE_IF_UNCHANGED = `DELETE FROM app_server_nodes WHERE node = $1 AND record = $2::jsonb`;

/** At most `limit` rows of the owner's index range are read, as LMDB reads at most `limit` keys. */
const COUNT_OF_OWNER = `SELECT count(*)::integer AS count
  FROM (SELECT 1 FROM app_server_nodes WHERE owner = $1 LIMIT $2) AS capped`;

interface CappedCreate {
  node: string;
  record: PushNodeRecord;
  maxPerOwner: number;
}

/**
 * herald_create_node (store/postgres/schema-v5.ts) once per create, all in one statement, so one
 * transaction: each call takes its owner's advisory lock, held until that statement's COMMIT, and
 * (a VOLATILE function) sees the rows of the calls before it, so creates of one owner in one batch
 * count each other. PostgreSQL evaluates the calls after the ORDER BY (output expressions are
 * computed after the sort), so in the order sent: by owner (two instances' batches lock owners in
 * one order and cannot deadlock each other), then in issue order.
 */
const CREATE_CAPPED: WriteKind<CappedCreate, boolean> = {
  keyOf: (w) => w.node,
  async run(pool, writes) {
    const order = writes.map((_, i) => i).sort((a, b) => keyOrder(writes[a]!.record.owner, writes[b]!.record.owner) || a - b);
    const sent = order.map((i) => writes[i]!);
    const { rows } = await pool.query<{ outcome: string }>(
      `SELECT herald_create_node(w.node, w.owner, w.record::jsonb, w.max, $5) AS outcome
       FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[]) WITH ORDINALITY AS w(node, owner, record, max, i)
       ORDER BY w.i`,
      [sent.map((w) => w.node), sent.map((w) => w.record.owner), sent.map((w) => JSON.stringify(w.record)), sent.map((w) => w.maxPerOwner), OWNER_LOCK_CLASS],
    );
    const created = new Array<boolean>(writes.length);
    order.forEach((i, position) => (created[i] = rows[position]!.outcome === 'created'));
    return created;
  },
};

export class PostgresNodes implements NodeBackend {
  private readonly creates: PostgresWriteBatcher;

  constructor(private readonly pool: PostgresPool) {
    this.creates = new PostgresWriteBatcher(pool);
  }

  /**
   * The first instance to ask stores a new key; a racing instance's insert does nothing, and
   * every instance reads back the one that was stored.
   */
  async registrationKey(): Promise<Buffer> {
    await this.pool.query('INSERT INTO app_server_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
      REGISTRATION_KEY,
      randomBytes(REGISTRATION_KEY_BYTES),
    ]);
    const { rows } = await this.pool.query<{ value: Buffer }>('SELECT value FROM app_server_meta WHERE key = $1', [REGISTRATION_KEY]);
    return rows[0]!.value;
  }

  readonly readsAreLocal = false;

  /** Owner and node name share one entry of the owner index (schema-v2.ts). */
  ownerIndexFits(owner: string, node: string): boolean {
    return Buffer.byteLength(owner) + Buffer.byteLength(node) <= MAX_OWNER_INDEX_ENTRY_BYTES;
  }

  async get(node: string): Promise<PushNodeRecord | undefined> {
    const { rows } = await this.pool.query<{ record: PushNodeRecord }>('SELECT record FROM app_server_nodes WHERE node = $1', [node]);
    return rows[0]?.record;
  }

  async nodesOf(owner: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ node: string }>('SELECT node FROM app_server_nodes WHERE owner = $1 ORDER BY node', [owner]);
    return rows.map((row) => row.node);
  }

  async countOf(owner: string, limit: number): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(COUNT_OF_OWNER, [owner, limit]);
    return rows[0]!.count;
  }

  /**
   * One call of herald_create_node (store/postgres/schema-v5.ts) in the turn's batch: it takes
   * the owner's advisory lock (released at the batch's COMMIT), so creates for one owner, from any
   * instance, count and insert one after the other, and each count sees every create committed
   * (or made earlier in its batch) before it. The node's primary key decides between creates of
   * one node (of any owners): the one that inserts nothing answers false.
   */
  createCapped(node: string, record: PushNodeRecord, maxPerOwner: number): Promise<boolean> {
    return this.creates.write(CREATE_CAPPED, { node, record, maxPerOwner });
  }

  async put(node: string, record: PushNodeRecord): Promise<void> {
    await this.pool.query(UPSERT_NODE, [node, record.owner, record]);
  }

  async replace(node: string, expected: PushNodeRecord, next: PushNodeRecord): Promise<boolean> {
    const { rowCount } = await this.pool.query(REPLACE_IF_UNCHANGED, [node, expected, next.owner, next]);
    return rowCount === 1;
  }

  async removeIf(node: string, expected: PushNodeRecord): Promise<boolean> {
    const { rowCount } = await this.pool.query(REMOVE_IF_UNCHANGED, [node, expected]);
    return rowCount === 1;
  }

  /** The owner index is the row's owner column: deleting the row removes its index entry. */
  async remove(node: string, _owner: string): Promise<void> {
    await this.pool.query('DELETE FROM app_server_nodes WHERE node = $1', [node]);
  }
}
