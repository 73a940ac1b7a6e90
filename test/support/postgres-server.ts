/**
 * A private PostgreSQL for the tests of one process (postgres-cluster.ts). initdb costs about a
 * second, so the cluster is made once per test process (node --test runs each file in its own
 * process) and every suite gets a fresh database of it. The cluster is stopped and its folder
 * removed when the file's tests end.
 */
import { after } from 'node:test';
import { startPostgresCluster, type PostgresCluster, type PostgresDatabase } from './postgres-cluster.js';

export type { PostgresDatabase };
export { postgresOptions } from './postgres-cluster.js';

let cluster: Promise<PostgresCluster> | undefined;

// The root test's `after`: runs once the importing file's tests are done.
after(async () => {
  await cluster?.then(
    (c) => c.dispose(),
    () => undefined,
  );
  cluster = undefined;
});

/** A fresh database on this process's cluster, started on first use. */
export async function postgresDatabase(): Promise<PostgresDatabase> {
  cluster ??= startPostgresCluster();
  return (await cluster).createDatabase();
}

