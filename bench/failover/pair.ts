/**
 * Two `herald start` processes on one PostgreSQL database, joined as component `push.localhost`
 * to a real XMPP server as `component.instances` says for it (docs/several-instances.md), every
 * other key at its default (`component.leadership.poll_ms` as config/default.toml has it), both
 * signing with one APNS key whose provider token they share through PostgreSQL. An instance is
 * killed with SIGKILL and started again from the same config.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../test/support/eventually.js';
import { componentJoined, startHeraldProcess, type HeraldChild } from '../../test/support/herald-process.js';
import { writeHeraldToml } from '../../test/support/herald-toml.js';
import type { KeyedApnsSimulator } from '../../test/support/keyed-apns-simulator.js';

export type InstancesMode = 'all_join' | 'one_holds_the_link';

/** ms for a started instance to serve, then to join (all_join) or stand by (one_holds_the_link), on a loaded machine. */
const READY_TIMEOUT_MS = 60_000;

export interface PairOptions {
  /** A folder of this pair's own (configs, TLS files). */
  dir: string;
  apns: KeyedApnsSimulator;
  /** The PostgreSQL database URL both instances use. */
  postgres: string;
  /** The server's XEP-0114 port (`xmpp://host:port`) and secret. */
  component: { service: string; password: string };
  instances: InstancesMode;
}

export class InstancePair {
  private constructor(
    private readonly mode: InstancesMode,
    private readonly configs: readonly string[],
    readonly heralds: HeraldChild[],
  ) {}

  static async start(o: PairOptions): Promise<InstancePair> {
    const configs = [1, 2].map((i) =>
      writeHeraldToml(mkdtempSync(join(o.dir, `instance${i}-`)), o.apns.sim, o.apns.keys[0]!, {
        postgres: o.postgres,
        component: o.component,
        componentKeys: { instances: JSON.stringify(o.instances) },
      }),
    );
    const pair = new InstancePair(o.instances, configs, []);
    try {
      for (let i = 0; i < configs.length; i++) await pair.restart(i);
      return pair;
    } catch (e) {
      await pair.stop();
      throw e;
    }
  }

  /** The instances whose link is up. */
  joined(): number[] {
    return this.heralds.flatMap((h, i) => (componentJoined(h) ? [i] : []));
  }

  /** Starts instance `i` from its config; resolves once it has joined (all_join) or stood by or led (one_holds_the_link). */
  async restart(i: number): Promise<void> {
    const herald = await startHeraldProcess(this.configs[i]!, { startTimeoutMs: READY_TIMEOUT_MS });
    this.heralds[i] = herald;
    const ready = () =>
      this.mode === 'all_join' ? componentJoined(herald) : herald.log.some((l) => l.event === 'component.leadership.standby');
    await eventually(ready, `instance ${i + 1} ready (${this.mode})`, READY_TIMEOUT_MS, 20);
  }

  async stop(): Promise<void> {
    await Promise.all(this.heralds.map((h) => h.stop()));
  }
}
