/**
 * Schema version 3: what several instances need to share caches and de-duplicate.
 *
 * Change notices: a row trigger on the tables whose rows instances cache (registrations, push
 * nodes) sends `pg_notify` on CHANGE_CHANNEL with the changed row's key and the writing
 * connection's origin (postgres-pool.ts sets `herald.origin` per pool). PostgreSQL delivers a
 * notice only when its transaction commits, in commit order, and folds identical notices of one
 * transaction into one (the SQL reference, NOTIFY), so a `removeAllOn` of many rows sends one.
 * The payload is JSON: {"origin", "table", "key"} (postgres-change-feed.ts reads it).
 *
 * Seen messages: the message identities (XEP-0359 stanza-id / origin-id, or the host's id)
 * for which some instance already pushed, so that a message handed to two instances pushes
 * once. Rows are swept after `store.postgres.dedup_retention_ms`.
 */
import type { Migration } from './migration.js';

/** The LISTEN/NOTIFY channel of change notices. */
export const CHANGE_CHANNEL = 'herald_changes';
/** The session setting naming the writing pool (postgres-pool.ts), so a feed can skip its own changes. */
export const ORIGIN_SETTING = 'herald.origin';

export const SCHEMA_V3: Migration = {
  version: 3,
  description: 'Change notices for cached rows; seen messages for de-duplication across instances',
  statements: [
    // TG_ARGV[0] names the key column. to_jsonb reads it from whichever row the event has.
    `CREATE FUNCTION herald_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('${CHANGE_CHANNEL}', json_build_object(
         'origin', current_setting('${ORIGIN_SETTING}', true),
         'table', TG_TABLE_NAME,
         'key', to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END) ->> TG_ARGV[0]
       )::text);
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER xmpp_server_registrations_changed
       AFTER INSERT OR UPDATE OR DELETE ON xmpp_server_registrations
       FOR EACH ROW EXECUTE FUNCTION herald_notify_change('user_jid')`,
    `CREATE TRIGGER app_server_nodes_changed
       AFTER INSERT OR UPDATE OR DELETE ON app_server_nodes
       FOR EACH ROW EXECUTE FUNCTION herald_notify_change('node')`,
    `CREATE TABLE xmpp_server_seen_messages (
       user_jid text COLLATE "C" NOT NULL,
       identity text COLLATE "C" NOT NULL,
       seen_at  timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (user_jid, identity)
     )`,
    // The sweep deletes by age.
    'CREATE INDEX xmpp_server_seen_messages_by_age ON xmpp_server_seen_messages (seen_at)',
  ],
};
