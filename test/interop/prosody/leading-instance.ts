/**
 * One Herald instance of several, as `component.instances = "one_holds_the_link"` runs it: a
 * real engine (unsharded, on the simulators, its own LMDB) behind LeadingLinks, whose link to
 * the real Prosody is joined only while the instance holds the domain's advisory lock in the
 * shared PostgreSQL. Built directly, not through `herald start`, which refuses the PostgreSQL
 * store until the roles use it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentLink, ComponentLinks, LeadingLinks } from '../../../src/component/index.js';
import { validateConfig } from '../../../src/core/config/load.js';
import type { Herald } from '../../../src/embed/engine.js';
import { startHeraldOnSimulators, type OnSimulators } from '../../support/on-simulators.js';
import { openRestSession, type RestSession } from '../../e2e/rest-session.js';

export interface InstanceOptions {
  /** Its name in assertion messages. */
  name: string;
  /** The XMPP server's component listener and secret. */
  service: string;
  secret: string;
  /** The component domain (app_server.jid). */
  domain: string;
  /** The PostgreSQL the instances share. */
  postgresUrl: string;
  /** component.leadership.poll_ms */
  pollMs: number;
}

/** ms to connect to PostgreSQL and for the leader's check: store.postgres.connect_timeout_ms's default. */
const POSTGRES_TIMEOUT_MS = 5_000;

export class LeadingInstance {
  private constructor(
    readonly name: string,
    readonly joined: LeadingLinks,
    private readonly engine: OnSimulators<Herald>,
    private readonly dir: string,
  ) {}

  static async start(options: InstanceOptions): Promise<LeadingInstance> {
    const dir = mkdtempSync(join(tmpdir(), 'herald-leading-'));
    try {
      const config = validateConfig({
        store: { path: join(dir, 'lmdb') },
        apns: { key_file: join(dir, 'apns.p8') },
        // /healthcheck and /metrics: what an operator (or a load balancer) sees of a standby.
        rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') },
        shards: { count: 0 },
        app_server: { jid: options.domain },
        // Rejoining fast: a link refused with `conflict` (the old leader's link not yet closed) tries again soon.
        component: { enabled: true, service: options.service, password: options.secret, reconnect: { backoff_ms: 50, max_ms: 500 } },
      });
      const joined = new LeadingLinks({
        url: options.postgresUrl,
        domain: options.domain,
        pollMs: options.pollMs,
        timeoutMs: POSTGRES_TIMEOUT_MS,
        links: () => new ComponentLinks([new ComponentLink({ config: config.component, domain: options.domain, xmpp: config.xmpp })]),
      });
      const engine = await startHeraldOnSimulators({ config, host: joined });
      joined.start(engine.herald);
      return new LeadingInstance(options.name, joined, engine, dir);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  get leads(): boolean {
    return this.joined.leadership.state === 'leader';
  }

  /** The link of the current leadership (none while standing by). */
  get link(): ComponentLink | undefined {
    return this.joined.links?.links[0];
  }

  /** Its link is joined to the server. */
  get online(): boolean {
    return this.link?.state === 'online';
  }

  /** An HTTP/2 session to its REST API (closed by the caller). */
  restSession(): RestSession {
    return openRestSession(this.engine.herald.rest!.url, readFileSync(join(this.dir, 'tls', 'cert.pem'), 'utf8'));
  }

  /** Leaves the server and releases the lock, then stops the engine. */
  async close(): Promise<void> {
    try {
      await this.joined.stop();
      await this.engine.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
