/**
 * Herald under load: XEP-0357 publish IQs (as text, the way a component connection hands them
 * over) go into `Herald.handleStanza`; each counts when its IQ result is routed back, i.e. after
 * the App Server parsed and validated it, its node actor accepted it, the push service built the
 * APNS request and the APNS server answered 200.
 */
import { join } from 'node:path';
import type { Element } from '@xmpp/xml';
import { validateConfig } from '../../src/core/config/load.js';
import { Herald } from '../../src/embed/engine.js';
import type { PushEngine } from '../../src/shards/start-engine.js';
import { readHead } from '../../src/shards/routing-key.js';
import { ShardedHerald } from '../../src/shards/sharded-herald.js';
import { ensureDevApnsKey } from '../../src/push-service/index.js';
import { buildPublishStanza } from '../../src/xmpp-server/publish-stanza.js';
import type { InboundStream } from '../../src/xmpp/inbound-stream.js';

export interface HeraldRunOptions {
  dir: string;
  url: string;
  caFile: string;
  connections: number;
  inFlightPerConnection: number;
  publishes: number;
  /** Publishes offered at once (each waits for its IQ result). */
  window: number;
  nodes: number;
  token: string;
  topic: string;
  onProgress?: (done: number) => void;
  /** Called every 200 ms while running (memory sampling). */
  onTick?: () => void;
}

export interface HeraldRunResult {
  ok: number;
  failed: number;
  /** Error replies by condition (e.g. resource-constraint under overload). */
  errors: Record<string, number>;
  ms: number;
}

export async function startBenchHerald(
  o: Pick<HeraldRunOptions, 'dir' | 'url' | 'caFile' | 'connections' | 'inFlightPerConnection'> & {
    senderThreads?: number;
    /** Worker-thread shards of the roles (ShardedHerald); 0 = Herald on this thread. */
    shards?: number;
  },
  extra: Record<string, unknown> = {},
) {
  const keyFile = join(o.dir, 'apns.p8');
  ensureDevApnsKey(keyFile);
  const config = validateConfig({
    store: { path: join(o.dir, 'lmdb') },
    apns: {
      endpoint: o.url,
      ca_file: o.caFile,
      key_file: keyFile,
      connections: o.connections,
      max_in_flight: o.inFlightPerConnection,
      ...(o.senderThreads === undefined ? {} : { sender_threads: o.senderThreads }),
      // One prod pool: the bench's APNS server is the only APNS endpoint (no sandbox pool).
      pools: [{ mode: 'prod' }],
    },
    fcm: { enabled: false },
    rest: { enabled: false },
    simulators: { apns: { enabled: false }, fcm: { enabled: false } },
    ...extra,
  });
  let onReply: (type: string, condition: string | undefined) => void = () => {};
  const host = {
    route(stanza: Element) {
      const type = stanza.attrs.type as string;
      const condition = type === 'error' ? stanza.getChild('error')?.getChildElements()[0]?.name : undefined;
      onReply(type, condition);
    },
    // The shards' replies arrive as text: read as a component link would write them, unparsed.
    routeText(text: string) {
      const type = readHead(text)?.type ?? '';
      onReply(type, type === 'error' ? ERROR_CONDITION.exec(text)?.[1] : undefined);
    },
  };
  const herald: PushEngine = o.shards ? await ShardedHerald.start({ config, host }, o.shards) : await Herald.start({ config, host });
  return { herald, setReplyHandler: (f: typeof onReply) => (onReply = f) };
}

/** Creates the push nodes the publishes go to (owners on the publishing server's domain). */
/** The first child of `<error>`: the defined condition (RFC 6120 §8.3.2). */
const ERROR_CONDITION = /<error\b[^>]*>\s*<([a-z-]+)/;

export async function createNodes(herald: PushEngine, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await herald.handleStanza(
      `<iq type='set' id='c${i}' from='owner${i}@localhost/b' to='push.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='node-${i}' type='push'/></pubsub></iq>`,
    );
  }
}

/** One publish IQ text per node, as the XMPP Server role would send it. */
export function publishTexts(nodes: number, token: string, topic: string): string[] {
  return Array.from({ length: nodes }, (_, i) =>
    buildPublishStanza(
      {
        from: 'localhost',
        to: 'push.localhost',
        node: `node-${i}`,
        summary: {
          'message-count': 1,
          'last-message-sender': 'romeo@localhost/orchard',
          'last-message-body': 'Wherefore art thou, Romeo?',
        },
        publishOptions: { service: 'apns', device_id: token, topic },
      },
      `p${i}`,
    ).toString(),
  );
}

export async function runHeraldLoad(
  bench: Awaited<ReturnType<typeof startBenchHerald>>,
  texts: string[],
  o: Pick<HeraldRunOptions, 'publishes' | 'window' | 'onProgress' | 'onTick'> & {
    /** Hand the publishes over as the stanzas of this one stream (a component link's path: RFC 6120 §4.9 gating). */
    stream?: InboundStream;
  },
): Promise<HeraldRunResult> {
  const { herald } = bench;
  let started = 0;
  let ok = 0;
  let failed = 0;
  const errors: Record<string, number> = {};
  const t0 = performance.now();
  const ticker = o.onTick ? setInterval(o.onTick, 200) : undefined;
  await new Promise<void>((resolve) => {
    const next = (): void => {
      if (started >= o.publishes) return;
      const text = texts[started % texts.length]!;
      started++;
      const handled = o.stream && herald instanceof ShardedHerald ? herald.handleText(text, o.stream) : herald.handleStanza(text);
      handled.then(undefined, () => {
        failed++;
        finish();
      });
    };
    const finish = (): void => {
      const done = ok + failed;
      o.onProgress?.(done);
      if (done >= o.publishes) resolve();
      else next();
    };
    bench.setReplyHandler((type, condition) => {
      if (type === 'result') ok++;
      else {
        failed++;
        const key = condition ?? 'unknown';
        errors[key] = (errors[key] ?? 0) + 1;
      }
      finish();
    });
    for (let i = 0; i < o.window; i++) next();
  });
  if (ticker) clearInterval(ticker);
  return { ok, failed, errors, ms: performance.now() - t0 };
}
