/**
 * Schema version 5: a node's capped create in one round trip (app-server/postgres-nodes.ts).
 *
 * The create must count the owner's nodes after taking the owner's advisory lock, or a create
 * committed while it waited would be missed. Under READ COMMITTED one SQL statement sees the
 * snapshot taken when it began, before a lock taken inside it; but each statement of a PL/pgSQL
 * function takes a snapshot of its own (the SQL reference, "Transaction Isolation": READ
 * COMMITTED), so a function that locks, then counts, then inserts sees every create committed
 * before its lock was granted, as the client-side transaction of BEGIN, lock, count, insert,
 * COMMIT did in five round trips. Called alone, it is its own transaction: the lock is released
 * at its COMMIT.
 *
 * Answers 'created', 'at-cap' (nothing written) or 'exists' (the node exists: another create won).
 */
import type { Migration } from './migration.js';

export const SCHEMA_V5: Migration = {
  version: 5,
  description: 'App Server: capped node create as one function call',
  statements: [
    `CREATE FUNCTION herald_create_node(p_node text, p_owner text, p_record jsonb, p_max integer, p_lock_class integer)
     RETURNS text LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_advisory_xact_lock(p_lock_class, hashtext(p_owner));
       IF (SELECT count(*) FROM (SELECT 1 FROM app_server_nodes WHERE owner = p_owner LIMIT p_max) AS capped) >= p_max THEN
         RETURN 'at-cap';
       END IF;
       INSERT INTO app_server_nodes (node, owner, record) VALUES (p_node, p_owner, p_record) ON CONFLICT (node) DO NOTHING;
       IF FOUND THEN
         RETURN 'created';
       END IF;
       RETURN 'exists';
     END $$`,
  ],
};
