/**
 * A Herald joined to a real XMPP server as its XEP-0114 component, with the APNS simulator
 * behind it, a tap on every stanza it exchanges, and the users' clients — what the Prosody and
 * ejabberd suites share. `HERALD_INTEROP_LOG=1` shows Herald's log and, at the end, the server's
 * last lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@xmpp/client';
import { ComponentLink } from '../../src/component/index.js';
import { validateConfig } from '../../src/core/config/load.js';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import { createLogger, type Logger } from '../../src/core/log.js';
import { startEngine, type PushEngine } from '../../src/shards/start-engine.js';
import type { ApnsSimulator } from '../../src/simulators/apns/index.js';
import { onSimulators, type OnSimulators } from '../support/on-simulators.js';
import { StanzaTap } from './stanza-tap.js';
import { connectUser, disconnect } from './xmpp-clients.js';

/** What the fixture needs of the server harness (ProsodyServer, EjabberdServer). */
export interface XmppServerUnderTest {
  readonly name: string;
  readonly c2sService: string;
  readonly componentService: string;
  tail(lines: number): string;
}

export class JoinedHerald {
  private readonly clients = new Set<Client>();
  link!: ComponentLink;

  private constructor(
    private readonly server: XmppServerUnderTest,
    /** Sharded as `herald start` runs it (shards.count "auto": one per core), on the simulators. */
    private readonly engine: OnSimulators<PushEngine>,
    /** Every stanza between Herald and the server. */
    readonly tap: StanzaTap,
    private readonly config: HeraldConfig,
    private readonly dir: string,
  ) {}

  get herald(): PushEngine {
    return this.engine.herald;
  }

  get sim(): ApnsSimulator {
    return this.engine.apns!;
  }

  /** Herald with its App Server at `componentDomain`, joined to `server` with `secret`. */
  static async start(server: XmppServerUnderTest, componentDomain: string, secret: string): Promise<JoinedHerald> {
    const dir = mkdtempSync(join(tmpdir(), 'herald-interop-'));
    const config = validateConfig({
      store: { path: join(dir, 'lmdb') },
      apns: { key_file: join(dir, 'apns.p8') },
      rest: { enabled: false },
      app_server: { jid: componentDomain },
      component: {
        enabled: true,
        service: server.componentService,
        password: secret,
        reconnect: { backoff_ms: 100, max_ms: 1_000 },
      },
    });
    let fixture: JoinedHerald | undefined;
    // The host follows `link`: one test replaces the link while Herald keeps running.
    const tap = new StanzaTap();
    const host = tap.outgoing({ route: (stanza) => fixture!.link.route(stanza) });
    const engine = await onSimulators(config, (simulated) => startEngine({ config: simulated, host, logger: debugLog() }));
    fixture = new JoinedHerald(server, engine, tap, config, dir);
    await fixture.rejoin();
    return fixture;
  }

  /** A new component link for the running Herald, online. */
  async rejoin(): Promise<void> {
    this.link = new ComponentLink({ config: this.config.component, domain: this.config.app_server.jid, xmpp: this.config.xmpp, log: debugLog() });
    this.link.start(this.tap.incoming(this.herald));
    await this.link.waitOnline(10_000);
  }

  /** A user logged in on the server's c2s port (password `<username>-pw`), closed by close(). */
  async login(domain: string, username: string, resource: string): Promise<Client> {
    const c = await connectUser({ service: this.server.c2sService, domain, username, password: `${username}-pw`, resource });
    this.clients.add(c);
    return c;
  }

  async logout(c: Client): Promise<void> {
    this.clients.delete(c);
    await disconnect(c);
  }

  /** The client's connection is gone another way (e.g. a hibernated session): not closed again. */
  forget(c: Client): void {
    this.clients.delete(c);
  }

  async close(): Promise<void> {
    if (process.env.HERALD_INTEROP_LOG) process.stderr.write(`${this.server.name}'s last lines:\n${this.server.tail(400)}\n`);
    try {
      for (const c of this.clients) await disconnect(c);
      await this.engine.close();
      await this.link?.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function debugLog(): Logger | undefined {
  return process.env.HERALD_INTEROP_LOG ? createLogger('debug') : undefined;
}
