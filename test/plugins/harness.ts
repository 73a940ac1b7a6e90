/**
 * A Herald with plugins on temp storage and the bundled APNS simulator: one user (alice) with
 * one registered device, offline, so each message to her that the plugins let through becomes
 * one APNS request the test reads from the simulator.
 */
import { fileURLToPath } from 'node:url';
import type { Element } from '@xmpp/xml';
import type { Herald } from '../../src/embed/engine.js';
import type { HeraldPlugin } from '../../src/plugins/plugin.js';
import type { ApnsSimulator } from '../../src/simulators/apns/index.js';
import { recordingLogger } from '../hardening/process/harness.js';
import { TOKEN, chat, cleanup, configIn, createNodeIq, enableIq, tempDir } from '../e2e/harness.js';
import { startHeraldOnSimulators } from '../support/on-simulators.js';
import { RoutedReplies } from '../support/routed-replies.js';

export const ALICE = 'alice@localhost';
export const NODE = 'alice-phone';

/** A compiled example plugin's path, as an operator names it in plugins.modules. */
export function examplePath(name: string): string {
  return fileURLToPath(new URL(`../../examples/plugins/${name}.js`, import.meta.url));
}

/** A compiled fixture module's path (test/plugins/fixtures/). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));
}

export interface PluginRig {
  herald: Herald;
  apns: ApnsSimulator;
  log: ReturnType<typeof recordingLogger>;
  /** A chat message from `from` (a full JID) to alice. */
  tell(from: string, body: string, type?: string): Promise<void>;
  /** The APNS `aps` of the `n`th request (1-based), waiting for it. */
  aps(n: number): Promise<Aps>;
  /** Hands Herald an IQ; resolves with its reply. */
  iq(stanza: Element): Promise<Element>;
}

export interface Aps {
  alert?: { title: string; body: string };
  badge?: number;
  'thread-id'?: string;
  'content-available'?: number;
}

export interface PluginSetup {
  modules?: string[];
  /** plugins.options: each module's settings under its file's name. */
  options?: Record<string, Record<string, unknown>>;
  plugins?: HeraldPlugin[];
  hookBudgetMs?: number;
}

export async function withPlugins(setup: PluginSetup, body: (rig: PluginRig) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const log = recordingLogger();
  const replies = new RoutedReplies();
  const config = configIn(dir, { plugins: { modules: setup.modules ?? [], options: setup.options ?? {}, hook_budget_ms: setup.hookBudgetMs ?? 50 } });
  try {
    const running = await startHeraldOnSimulators({ config, host: { route: replies.route }, logger: log, plugins: setup.plugins });
    try {
      const { herald } = running;
      const apns = running.apns!;
      const iq = (stanza: Element) => replies.ask(herald, stanza);
      expectResult(await iq(createNodeIq(`${ALICE}/phone`, NODE)));
      expectResult(await iq(enableIq(`${ALICE}/phone`, NODE, { service: 'apns', device_id: TOKEN, topic: 'com.example.chat' })));
      await body({
        herald,
        apns,
        log,
        tell: (from, text, type = 'chat') => herald.handleStanza(withType(chat(from, ALICE, text), type)),
        aps: async (n) => ((await apns.waitForReceived(n, 5_000))[n - 1]!.payload as { aps: Aps }).aps,
        iq,
      });
    } finally {
      await running.close();
    }
  } finally {
    cleanup(dir);
  }
}

function withType(message: Element, type: string): Element {
  message.attrs.type = type;
  return message;
}

function expectResult(reply: Element): void {
  if (reply.attrs.type !== 'result') throw new Error(`expected an IQ result, got ${reply.toString()}`);
}
