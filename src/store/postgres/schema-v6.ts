/**
 * Schema version 6: the REST API's Idempotency-Key claims, shared by the instances so that a
 * retry landing on another instance finds the first attempt (rest/idempotency/).
 *
 * A claim is the row's INSERT … ON CONFLICT DO NOTHING (the primary key makes it atomic across
 * instances); `lease_until` and `claimed_at` come from the database's clock, the one clock every
 * instance shares. `status`/`body` are the answer, NULL until recorded. The sweep deletes rows
 * claimed more than `rest.idempotency.retention_ms` ago through the `claimed_at` index.
 */
import type { Migration } from './migration.js';

export const SCHEMA_V6: Migration = {
  version: 6,
  description: 'REST: Idempotency-Key claims and recorded answers',
  statements: [
    `CREATE TABLE rest_idempotency_keys (
       key         text PRIMARY KEY,
       fingerprint text NOT NULL,
       owner       text NOT NULL,
       claimed_at  timestamptz NOT NULL DEFAULT now(),
       lease_until timestamptz NOT NULL,
       status      integer,
       body        text
     )`,
    'CREATE INDEX rest_idempotency_keys_claimed_at ON rest_idempotency_keys (claimed_at)',
  ],
};
