/**
 * The change feed on PostgreSQL: one dedicated connection (a LISTEN belongs to its session, so
 * not a pooled one) listening on CHANGE_CHANNEL (schema-v3.ts), handing each notice of another
 * pool's commit to the subscribers of its table.
 *
 * Staleness. While the connection is up a notice arrives right after the writer's commit (the
 * server sends it to every listener then), so an instance acts on another's change within the
 * notice's trip. When the connection is lost, notices sent meanwhile are lost with it: every
 * subscriber is told to drop everything cached (`undefined`) at once, and again once the feed
 * listens again (anything read from PostgreSQL in between may have missed a change). So a
 * cached value is never older than one trip while connected, and never older than the time to
 * listen again (`store.postgres.reconnect`, at most max_ms between attempts) after a loss.
 */
import pg from 'pg';
import { backoffDelayMs } from '../../core/backoff.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { CachedTable, ChangeFeed, ChangeListener } from '../change-feed.js';
import type { PostgresOptions } from './postgres-pool.js';
import { CHANGE_CHANNEL } from './schema-v3.js';

/** What the trigger sends (schema-v3.ts). */
interface ChangeNotice {
  origin: string | null;
  table: string;
  key: string | null;
}

export interface ChangeFeedOptions {
  /** `[store.postgres]`: the URL, the connect timeout and the reconnect backoff are used. */
  postgres: PostgresOptions;
  /** The pool whose own changes are skipped (PostgresPool.origin). */
  origin: string;
  log?: Logger;
}

export class PostgresChangeFeed implements ChangeFeed {
  private readonly listeners = new Map<CachedTable, Set<ChangeListener>>();
  private client: pg.Client | undefined;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly log: Logger;

  private constructor(private readonly options: ChangeFeedOptions) {
    this.log = options.log ?? silentLogger;
  }

  /** Resolves once listening: a start that cannot listen fails (HERALD_STORE via the caller). */
  static async open(options: ChangeFeedOptions): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(options);
    await feed.listen();
    return feed;
  }

  subscribe(table: CachedTable, listener: ChangeListener): () => void {
    let set = this.listeners.get(table);
    if (!set) this.listeners.set(table, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Whether the feed is listening now (diagnostics, tests). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const { postgres } = this.options;
    const client = new pg.Client({
      connectionString: postgres.url,
      connectionTimeoutMillis: postgres.connect_timeout_ms,
      application_name: 'herald-change-feed',
      keepAlive: true,
    });
    client.on('notification', (n) => this.deliver(n.payload));
    // Registered before connecting: an error while connecting must not go unhandled.
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (e) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw e;
    }
    this.client = client;
    this.failures = 0;
  }

  private deliver(payload: string | undefined): void {
    let notice: ChangeNotice;
    try {
      notice = JSON.parse(payload ?? '') as ChangeNotice;
    } catch {
      this.log.warn('store.postgres.change_unreadable', { payload });
      return;
    }
    if (notice.origin === this.options.origin || notice.key === null) return;
    this.tell(notice.table as CachedTable, notice.key);
  }

  private tell(table: CachedTable | undefined, key: string | undefined): void {
    const tables = table ? [table] : [...this.listeners.keys()];
    for (const t of tables) {
      for (const listener of this.listeners.get(t) ?? []) {
        try {
          listener(key);
        } catch (e) {
          this.log.error('store.postgres.change_listener_failed', { table: t, reason: (e as Error).message });
        }
      }
    }
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client) return; // an attempt that never listened, or already handled
    this.client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.log.warn('store.postgres.change_feed_lost', { reason: error.message, action: 'caches dropped; listening again' });
    this.tell(undefined, undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const delay = backoffDelayMs(this.options.postgres.reconnect, this.failures++);
    this.retry = setTimeout(() => {
      this.listen().then(
        () => {
          if (this.closed) return void this.close();
          this.log.info('store.postgres.change_feed_listening', { action: 'caches dropped again: changes in between were missed' });
          this.tell(undefined, undefined);
        },
        (e: Error) => {
          if (this.closed) return;
          this.log.warn('store.postgres.change_feed_retry', { reason: e.message });
          this.scheduleRetry();
        },
      );
    }, delay);
    this.retry.unref();
  }
}
