/**
 * Which of several Herald instances holds the component link of a domain, where the XMPP server
 * takes one link per domain (Prosody: a second is refused with `conflict`; docs/several-instances.md).
 * The leadership is a PostgreSQL session-level advisory lock, keyed by the domain, in the
 * PostgreSQL the instances share: PostgreSQL releases it when the session that took it ends, so
 * a dead instance's leadership ends with its connection, with no lease to expire.
 *
 * The lock lives with its session, so it is taken on a connection of its own (a `pg.Client`, not
 * a pooled one a query could be sent on by anyone). A standby tries the lock every `pollMs`,
 * connecting again when PostgreSQL went away. The leader checks every `pollMs` that its session
 * still answers; when it does not, or ends (`error`, `end`: the server terminated the backend,
 * restarted, or the network broke), PostgreSQL has released the lock or soon will, and another
 * instance may take it: the leader steps down at once (fencing: two instances must never both
 * believe they hold the link), then stands by again.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { silentLogger, type Logger } from '../core/log.js';

/**
 * ms of silence on the lock's connection before TCP keepalive probes start: a PostgreSQL host
 * that vanished (no FIN, no RST) must end the leadership, and the leader's check query alone
 * would wait for it for as long as the kernel retransmits.
 */
export const LOCK_KEEPALIVE_MS = 5_000;

/** What the lock's sessions are called in `pg_stat_activity`, so an operator finds the leader's. */
export const LOCK_APPLICATION_NAME = 'herald-component-leadership';

/** The advisory lock key of a domain: 64 bits of its hash, so the instances of other domains do not wait for it. */
const TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended('herald.component:' || $1, 0)) AS held";
/** The leader's check that its session (and with it the lock) is still there. */
const STILL_THERE = 'SELECT 1';

export type LeadershipState = 'standby' | 'leader' | 'stopped';

export interface LinkLeadershipOptions {
  /** The PostgreSQL the instances share (`store.postgres.url`). */
  url: string;
  /** The component domain (`app_server.jid`): one leader per domain. */
  domain: string;
  /** `component.leadership.poll_ms`. */
  pollMs: number;
  /** ms to connect, and for the leader's check to answer (`store.postgres.connect_timeout_ms`). */
  timeoutMs: number;
  /** Becoming the leader: join the server. */
  lead(): void;
  /** No longer the leader: leave the server now. Resolves once the link is closed. */
  stepDown(): Promise<void>;
  log?: Logger;
}

export interface LeadershipEvents {
  state: [LeadershipState];
}

export class LinkLeadership extends EventEmitter<LeadershipEvents> {
  private current: LeadershipState = 'standby';
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The attempt, check or step-down under way, awaited by stop(). */
  private turn: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly options: LinkLeadershipOptions) {
    super();
    this.log = options.log ?? silentLogger;
  }

  get state(): LeadershipState {
    return this.current;
  }

  /** Tries the lock now, then every `pollMs` until it holds it, and keeps it until stop(). */
  start(): void {
    this.log.info('component.leadership.standby', { domain: this.options.domain, poll_ms: this.options.pollMs });
    this.next(0);
  }

  /** Leaves the server (if leading), then ends the lock's session, which releases the lock. */
  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    const wasLeader = this.current === 'leader';
    this.setState('stopped');
    clearTimeout(this.timer);
    await this.turn;
    if (wasLeader) await this.options.stepDown();
    await this.closeClient();
    if (wasLeader) this.log.info('component.leadership.released', { domain: this.options.domain });
  }

  private next(delayMs: number): void {
    if (this.current === 'stopped') return;
    this.timer = setTimeout(() => {
      this.turn = this.current === 'leader' ? this.check() : this.attempt();
    }, delayMs);
  }

  /** Standby: one try at the lock, on a connection opened again if the last one is gone. */
  private async attempt(): Promise<void> {
    try {
      const client = this.client ?? (await this.connect());
      const { rows } = await client.query<{ held: boolean }>(TRY_LOCK, [this.options.domain.toLowerCase()]);
      if (this.current === 'stopped') return;
      if (rows[0]?.held) {
        this.setState('leader');
        this.log.info('component.leadership.acquired', { domain: this.options.domain });
        this.options.lead();
      }
    } catch (e) {
      if (this.current === 'stopped') return;
      this.log.warn('component.leadership.unavailable', { domain: this.options.domain, error: (e as Error).message });
      await this.closeClient();
    }
    this.next(this.options.pollMs);
  }

  /** Leader: the session still answers, or the leadership is lost. */
  private async check(): Promise<void> {
    try {
      await this.client!.query(STILL_THERE);
    } catch (e) {
      await this.lost(e as Error);
      return;
    }
    this.next(this.options.pollMs);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: this.options.timeoutMs,
      query_timeout: this.options.timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: LOCK_KEEPALIVE_MS,
      application_name: LOCK_APPLICATION_NAME,
    });
    // Unhandled, an `error` on an idle client would end the process; either event ends the session.
    client.on('error', (e) => void this.sessionEnded(client, e));
    client.on('end', () => void this.sessionEnded(client, new Error('the lock session ended')));
    this.client = client;
    try {
      await client.connect();
    } catch (e) {
      this.client = undefined;
      await client.end().catch(() => {});
      throw e;
    }
    return client;
  }

  /** The lock's session ended: as leader, the lock is gone with it. */
  private async sessionEnded(client: pg.Client, error: Error): Promise<void> {
    if (client !== this.client) return;
    this.client = undefined;
    if (this.current === 'leader') {
      clearTimeout(this.timer);
      // After the check in flight, which fails with the session: stop() waits for the link to close.
      this.turn = this.turn.then(() => this.lost(error));
      await this.turn;
    }
  }

  /** Fencing: the link is left before anything else, then this instance stands by again. */
  private async lost(error: Error): Promise<void> {
    if (this.current !== 'leader') return;
    this.setState('standby');
    this.log.warn('component.leadership.lost', { domain: this.options.domain, error: error.message });
    await this.options.stepDown();
    await this.closeClient();
    this.log.info('component.leadership.standby', { domain: this.options.domain, poll_ms: this.options.pollMs });
    clearTimeout(this.timer);
    this.next(this.options.pollMs);
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private setState(state: LeadershipState): void {
    this.current = state;
    this.emit('state', state);
  }
}
