/**
 * The XMPP Server role's writes to PostgreSQL as kinds of batched write (store/postgres/
 * write-batch.ts): each sends the writes of one turn as one statement over arrays (`unnest`),
 * and answers each write as if it had run alone, in issue order.
 *
 * Keys: a user's registrations are one key (an upsert, a delete and a removal on one pubsub JID
 * of one user keep their order), the user's unread counter another (a reset, an increment and a
 * counted claim keep theirs), a claim of (user, identity) a third.
 *
 * Rows go sorted, so that two instances' statements take the row locks of one table in one order
 * and do not deadlock each other: registrations and claims in keyOrder (write-batch.ts), counters
 * in the "C" collation's (the order of their index, which a reset's DELETE follows).
 */
import { keyOrder, type WriteKind } from '../store/postgres/write-batch.js';
import type { Registration } from './registration.js';
import { storedOptions } from './stored-extensions.js';

const registrationsKey = (user: string) => `registrations\u0000${user}`;
const unreadKey = (user: string) => `unread\u0000${user}`;

/**
 * PostgreSQL's text holds no NUL, the separator inside identities (push-policy.ts): it is stored
 * as U+0001, which XML (so no id nor JID) can hold either, so no two identities become one.
 */
const storedIdentity = (identity: string) => identity.replaceAll('\u0000', '\u0001');

/** Upserts and deletes lock registrations in one order: user, pubsub JID, node. */
function registrationOrder(userA: string, a: { pubsubJid: string; node: string }, userB: string, b: { pubsubJid: string; node: string }): number {
  return keyOrder(userA, userB) || keyOrder(a.pubsubJid, b.pubsubJid) || keyOrder(a.node, b.node);
}

export interface RegistrationPut {
  user: string;
  registration: Registration;
}

/** XEP-0357 §5: a re-enable replaces publish-options and creation time; of two in one batch the later stays. */
export const PUT_REGISTRATION: WriteKind<RegistrationPut, void> = {
  keyOf: (w) => registrationsKey(w.user),
  async run(pool, writes) {
    const latest = new Map<string, RegistrationPut>();
    for (const w of writes) latest.set(JSON.stringify([w.user, w.registration.pubsubJid, w.registration.node]), w);
    const rows = [...latest.values()].sort((a, b) => registrationOrder(a.user, a.registration, b.user, b.registration));
    await pool.query(
      `INSERT INTO xmpp_server_registrations (user_jid, pubsub_jid, node, publish_options, created_at)
       SELECT user_jid, pubsub_jid, node, publish_options::jsonb, created_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS w(user_jid, pubsub_jid, node, publish_options, created_at)
       ON CONFLICT (user_jid, pubsub_jid, node)
       DO UPDATE SET publish_options = EXCLUDED.publish_options, created_at = EXCLUDED.created_at`,
      [
        rows.map((w) => w.user),
        rows.map((w) => w.registration.pubsubJid),
        rows.map((w) => w.registration.node),
        rows.map((w) => JSON.stringify(storedOptions(w.registration))),
        rows.map((w) => w.registration.createdAt),
      ],
    );
    return writes.map(() => undefined);
  },
};

export interface RegistrationRemoval {
  user: string;
  pubsubJid: string;
  node: string;
}

/** XEP-0357 §6: removing a registration that is not there succeeds. */
export const REMOVE_REGISTRATION: WriteKind<RegistrationRemoval, void> = {
  keyOf: (w) => registrationsKey(w.user),
  async run(pool, writes) {
    const rows = [...writes].sort((a, b) => registrationOrder(a.user, a, b.user, b));
    await pool.query(
      `DELETE FROM xmpp_server_registrations r
       USING unnest($1::text[], $2::text[], $3::text[]) AS w(user_jid, pubsub_jid, node)
       WHERE r.user_jid = w.user_jid AND r.pubsub_jid = w.pubsub_jid AND r.node = w.node`,
      [rows.map((w) => w.user), rows.map((w) => w.pubsubJid), rows.map((w) => w.node)],
    );
    return writes.map(() => undefined);
  },
};

export interface RemovalOnPubsub {
  user: string;
  pubsubJid: string;
}

/** XEP-0357 §6 disable without node: how many registrations each removal took (a repeated one: 0, the first took them). */
export const REMOVE_ALL_ON: WriteKind<RemovalOnPubsub, number> = {
  keyOf: (w) => registrationsKey(w.user),
  async run(pool, writes) {
    const pairKey = (user: string, pubsubJid: string) => JSON.stringify([user, pubsubJid]);
    const pairs = new Map<string, RemovalOnPubsub>();
    for (const w of writes) pairs.set(pairKey(w.user, w.pubsubJid), w);
    const rows = [...pairs].sort(([a], [b]) => keyOrder(a, b)).map(([, w]) => w);
    const removed = await pool.query<{ user_jid: string; pubsub_jid: string }>(
      `DELETE FROM xmpp_server_registrations r
       USING unnest($1::text[], $2::text[]) AS w(user_jid, pubsub_jid)
       WHERE r.user_jid = w.user_jid AND r.pubsub_jid = w.pubsub_jid
       RETURNING r.user_jid, r.pubsub_jid`,
      [rows.map((w) => w.user), rows.map((w) => w.pubsubJid)],
    );
    const counts = new Map<string, number>();
    for (const row of removed.rows) counts.set(pairKey(row.user_jid, row.pubsub_jid), (counts.get(pairKey(row.user_jid, row.pubsub_jid)) ?? 0) + 1);
    return writes.map((w) => {
      const key = pairKey(w.user, w.pubsubJid);
      const count = counts.get(key) ?? 0;
      counts.delete(key);
      return count;
    });
  },
};

/**
 * The batch's writes per user, in issue order, answered from the count the statement returned:
 * a user's last write gets the final count, each earlier one 1 less than the next. `counted[i]`
 * false: write i added nothing (undefined).
 */
function countsInIssueOrder(users: readonly string[], counted: readonly boolean[], finals: Map<string, number>): Array<number | undefined> {
  const later = new Map<string, number>();
  const answers = new Array<number | undefined>(users.length);
  for (let i = users.length - 1; i >= 0; i--) {
    if (!counted[i]) continue;
    const user = users[i]!;
    const after = later.get(user) ?? 0;
    answers[i] = finals.get(user)! - after;
    later.set(user, after + 1);
  }
  return answers;
}

/** One statement, so row locks make concurrent increments (any instance) wait for each other: none is lost. */
export const INCREMENT_UNREAD: WriteKind<string, number> = {
  keyOf: unreadKey,
  async run(pool, users) {
    const increments = new Map<string, number>();
    for (const user of users) increments.set(user, (increments.get(user) ?? 0) + 1);
    // Counters are locked in the order of the "C" collation, as CLAIM_AND_COUNT's are.
    const rows = [...increments];
    const { rows: counted } = await pool.query<{ user_jid: string; count: number }>(
      `INSERT INTO xmpp_server_unread AS unread (user_jid, count)
       SELECT * FROM unnest($1::text[], $2::integer[]) AS w(user_jid, n) ORDER BY user_jid COLLATE "C"
       ON CONFLICT (user_jid) DO UPDATE SET count = unread.count + EXCLUDED.count
       RETURNING user_jid, count`,
      [rows.map(([user]) => user), rows.map(([, n]) => n)],
    );
    const finals = new Map(counted.map((row) => [row.user_jid, row.count]));
    return countsInIssueOrder(users, users.map(() => true), finals) as number[];
  },
};

/** No row is 0 (as LMDB removes a zero counter). */
export const RESET_UNREAD: WriteKind<string, void> = {
  keyOf: unreadKey,
  async run(pool, users) {
    await pool.query('DELETE FROM xmpp_server_unread WHERE user_jid = ANY($1::text[])', [[...new Set(users)].sort(keyOrder)]);
    return users.map(() => undefined);
  },
};

export interface Claim {
  user: string;
  identity: string;
}

const claimKey = (c: Claim) => JSON.stringify([c.user, storedIdentity(c.identity)]);

/** The first claim of each (user, identity) of the batch, sorted; the later ones are refused whatever the table says. */
function firstClaims(claims: readonly Claim[]): { rows: Claim[]; first: boolean[] } {
  const seen = new Set<string>();
  const first = claims.map((c) => {
    const key = claimKey(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rows = claims.filter((_, i) => first[i]).sort((a, b) => keyOrder(a.user, b.user) || keyOrder(storedIdentity(a.identity), storedIdentity(b.identity)));
  return { rows, first };
}

/** The primary key decides: of two instances inserting one (user, identity), one gets the row back. */
export const CLAIM_MESSAGE: WriteKind<Claim, boolean> = {
  keyOf: (c) => `claim\u0000${claimKey(c)}`,
  async run(pool, claims) {
    const { rows, first } = firstClaims(claims);
    const { rows: inserted } = await pool.query<{ user_jid: string; identity: string }>(
      `INSERT INTO xmpp_server_seen_messages (user_jid, identity)
       SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT DO NOTHING RETURNING user_jid, identity`,
      [rows.map((c) => c.user), rows.map((c) => storedIdentity(c.identity))],
    );
    const granted = new Set(inserted.map((row) => JSON.stringify([row.user_jid, row.identity])));
    return claims.map((c, i) => first[i]! && granted.has(claimKey(c)));
  },
};

/**
 * A push's claim and badge in one statement (a data-modifying CTE): the claims that insert a
 * row, and only those, add 1 to their user's counter; the answer is the count, or undefined for
 * a claim that another came before (a duplicate). Keyed by the user's counter, so a reset
 * before it in the same turn is applied first.
 */
export const CLAIM_AND_COUNT: WriteKind<Claim, number | undefined> = {
  keyOf: (c) => unreadKey(c.user),
  async run(pool, claims) {
    const { rows, first } = firstClaims(claims);
    const { rows: claimed } = await pool.query<{ user_jid: string; identity: string; count: number }>(
      `WITH claimed AS (
         INSERT INTO xmpp_server_seen_messages (user_jid, identity)
         SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT DO NOTHING RETURNING user_jid, identity
       ), counted AS (
         INSERT INTO xmpp_server_unread AS unread (user_jid, count)
         SELECT user_jid, count(*) FROM claimed GROUP BY user_jid ORDER BY user_jid COLLATE "C"
         ON CONFLICT (user_jid) DO UPDATE SET count = unread.count + EXCLUDED.count
         RETURNING user_jid, count
       )
       SELECT claimed.user_jid, claimed.identity, counted.count FROM claimed JOIN counted USING (user_jid)`,
      [rows.map((c) => c.user), rows.map((c) => storedIdentity(c.identity))],
    );
    const granted = new Set(claimed.map((row) => JSON.stringify([row.user_jid, row.identity])));
    const finals = new Map(claimed.map((row) => [row.user_jid, row.count]));
    const won = claims.map((c, i) => first[i]! && granted.has(claimKey(c)));
    return countsInIssueOrder(claims.map((c) => c.user), won, finals);
  },
};
