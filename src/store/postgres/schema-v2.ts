/**
 * Schema version 2: what the App Server role persists (app-server/node-backend.ts).
 *
 * A node's record is one jsonb value (the fields of PushNodeRecord, which grow with the role);
 * its owner is also a column, so the owner index is an ordinary index and follows every insert,
 * update and delete of the row. Text columns use the "C" collation, as in schema v1, so
 * `nodesOf` answers in code point order, the order LMDB gives.
 */
import type { Migration } from './migration.js';

export const SCHEMA_V2: Migration = {
  version: 2,
  description: 'App Server: push nodes, their owner index and the registration key',
  statements: [
    `CREATE TABLE app_server_nodes (
       node   text COLLATE "C" PRIMARY KEY,
       owner  text COLLATE "C" NOT NULL,
       record jsonb NOT NULL
     )`,
    // `nodesOf` and the cap's count read one owner's range of this index, already in node order.
    'CREATE INDEX app_server_nodes_by_owner ON app_server_nodes (owner, node)',
    // Service-wide values, such as the key registration node names are derived with.
    `CREATE TABLE app_server_meta (
       key   text COLLATE "C" PRIMARY KEY,
       value bytea NOT NULL
     )`,
  ],
};
