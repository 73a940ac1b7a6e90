/**
 * Changes other instances made to rows this instance may hold in its actors' memory. With one
 * instance (LMDB) there is no feed: every change goes through this process's actors. With
 * several on PostgreSQL, postgres/postgres-change-feed.ts delivers each committed change of
 * another instance (LISTEN/NOTIFY on the trigger of schema-v3.ts).
 */

/** The tables whose rows actors cache, and the key a notice names: the user's bare JID, the node's name. */
export type CachedTable = 'xmpp_server_registrations' | 'app_server_nodes';

/**
 * `key`: another instance changed this key's rows; what is cached for it must be read again.
 * `undefined`: changes may have been missed (the feed lost its connection, or reconnected):
 * everything cached from this table must be read again.
 */
export type ChangeListener = (key: string | undefined) => void;

export interface ChangeFeed {
  /** Calls `listener` for every change of `table` made by another instance; the returned function stops that. */
  subscribe(table: CachedTable, listener: ChangeListener): () => void;
}
