/**
 * Schema version 1: what the XMPP Server role persists (xmpp-server/registration-backend.ts).
 *
 * Text columns use the "C" collation: rows then sort by code point, the order LMDB's
 * ordered-binary keys give (store/composite-key.ts), so `listFor` and `nodesOn` answer in the
 * same order on both backends, and the primary key's index serves those ORDER BYs.
 */
import type { Migration } from './migration.js';

export const SCHEMA_V1: Migration = {
  version: 1,
  description: 'XMPP Server: push registrations and unread counters',
  statements: [
    // XEP-0357 §5: one row per `<enable/>`, keyed by (user bare JID, pubsub JID, node); a
    // re-enable replaces its publish-options and creation time.
    `CREATE TABLE xmpp_server_registrations (
       user_jid        text COLLATE "C" NOT NULL,
       pubsub_jid      text COLLATE "C" NOT NULL,
       node            text COLLATE "C" NOT NULL,
       publish_options jsonb NOT NULL,
       created_at      bigint NOT NULL,
       PRIMARY KEY (user_jid, pubsub_jid, node)
     )`,
    // Messages pushed since the user was last online (the badge); no row = 0.
    `CREATE TABLE xmpp_server_unread (
       user_jid text COLLATE "C" PRIMARY KEY,
       count    integer NOT NULL CHECK (count > 0)
     )`,
  ],
};
