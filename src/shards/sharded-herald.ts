/**
 * Herald on every core: the XMPP roles run on `shards.count` worker threads (shard-worker.ts),
 * each owning the users and push nodes whose key hashes to it (routing-key.ts), each with its own
 * actors, parser, LMDB handle (one environment, shared by the threads) and HTTP/2 connections.
 * The main thread moves bytes: it reads each stanza's routing key from its start tag, hands the
 * text to the shard in order, and routes what the shards send back; it also serves the REST API
 * (with its own sender threads) and runs the bundled simulators.
 *
 * The embedding API is Herald's (embed/herald.ts) with two differences a host should know:
 * `messageToUser` and the session events return before the shard acted (a malformed message is
 * logged by the shard, not thrown), and the roles' internals (`xmppServer`, `appServer`) live in
 * the shards, out of reach.
 */
import { randomBytes } from 'node:crypto';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Element } from '@xmpp/xml';
import { startActorRuntime, type ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import { redacting, silentLogger, type Logger } from '../core/log.js';
import type { HeraldHost, HeraldOptions } from '../embed/herald.js';
import { startPushSide, type PushSide, type SimulatorEndpoints } from '../embed/push-wiring.js';
import { RELEASE_ID } from '../embed/release-id.js';
import { poolsOpsSource } from '../push-service/ops/ops-source.js';
import type { PushPools } from '../push-service/pools/push-pools.js';
import { startRestServer, type RestServer } from '../push-service/rest/server.js';
import { restStartupWarnings } from '../push-service/rest/startup-warnings.js';
import { openStore, type HeraldStore, type StoreUsage } from '../store/lmdb-store.js';
import { errorReply, headOf } from '../xmpp/iq.js';
import { parseStanza } from '../xmpp/parse.js';
import { StanzaError } from '../xmpp/stanza-error.js';
import { stanzaLimitsOf } from '../xmpp/stanza-limits.js';
import type { TokenSource } from '../push-service/apns/jwt.js';
import { BatchedPort, itemsOf } from './batched-port.js';
import { TokenRelay } from './token-relay.js';
import { readHead, shardOfElement, shardOfJid, shardOfText, type ShardRouting } from './routing-key.js';
import type { FromShard, ShardStarted, ToShard } from './shard-protocol.js';
import type { ShardWorkerData } from './shard-worker.js';
import { rebuildFailure } from './stanza-error-transfer.js';

/** Stanzas Herald itself wrote, read back on the main thread for a host without `routeText`. */
const OWN_STANZA_LIMITS = { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: 1_000 };

interface Waiting {
  shard: number;
  resolve(): void;
  reject(error: unknown): void;
}

interface Shard {
  worker: Worker;
  port: BatchedPort<ToShard>;
  /** False once the worker died: its stanzas are refused (IQ requests answered). */
  alive: boolean;
  closed: Promise<void>;
  markClosed: () => void;
  /** Where the shard's batches go; until the engine is built they wait here (log lines of its start). */
  deliver: (batch: FromShard[]) => void;
  early: FromShard[][];
}

export class ShardedHerald {
  private closing = false;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();
  private readonly routing: ShardRouting;

  private constructor(
    readonly config: HeraldConfig,
    private readonly host: HeraldHost,
    private readonly log: Logger,
    private readonly store: HeraldStore,
    private readonly actors: ActorRuntime,
    private readonly push: PushSide,
    private readonly tokenRelay: TokenRelay,
    private readonly shards: Shard[],
    idBase: string,
    /** The MongoosePush-compatible REST API, when `rest.enabled`. */
    readonly rest: RestServer | undefined,
  ) {
    this.routing = {
      shards: shards.length,
      appServerJid: config.app_server.jid.toLowerCase(),
      shardOfRequestId: (id) => {
        if (!id.startsWith(idBase)) return undefined;
        const index = parseInt(id.slice(idBase.length), 10);
        return index >= 0 && index < shards.length ? index : undefined;
      },
    };
    shards.forEach((shard, index) => this.listen(shard, index));
  }

  /** The REST API's pools (the shards hold their own). */
  get pushService(): PushPools {
    return this.push.pools;
  }

  get apnsSimulator() {
    return this.push.apnsSimulator;
  }

  get fcmSimulator() {
    return this.push.fcmSimulator;
  }

  get shardCount(): number {
    return this.shards.length;
  }

  static async start(options: HeraldOptions, count: number): Promise<ShardedHerald> {
    const { config } = options;
    const log = redacting(options.logger ?? silentLogger);
    const host = options.host ?? { route: () => {} };
    const store = openStore(config.store, log);
    const actors = startActorRuntime();
    const cleanup: Array<() => Promise<void> | void> = [() => store.close(), () => actors.stop()];
    try {
      const tokenSources = new Map<string, TokenSource>();
      // Without REST the main thread's pools only hold the APNS token providers the shards'
      // tokens come from: no sender thread, no connection.
      const push = config.rest.enabled
        ? await startPushSide(config, actors, log, { tokens: tokenSources })
        : await startPushSide(withoutSenderThreads(config), actors, log, { tokens: tokenSources, lazy: true });
      cleanup.push(() => push.apnsSimulator?.close(), () => push.fcmSimulator?.close(), () => push.pools.close(0));
      const idBase = `herald-${randomBytes(4).toString('hex')}.`;
      let shards: Shard[] = [];
      const relay = new TokenRelay(tokenSources, (id, authorization) => {
        for (const shard of shards) shard.port.send(['token', id, authorization]);
      });
      cleanup.push(() => relay.stop());
      shards = await startShards(config, count, idBase, simulatorEndpoints(push), relay.current(), log);
      cleanup.push(() => Promise.all(shards.map((s) => s.worker.terminate())).then(() => undefined));
      const rest = config.rest.enabled
        ? await startRestServer({ config: config.rest, dispatcher: push.pools, log, ops: poolsOpsSource(push.pools.pools, RELEASE_ID, () => store.usage()) })
        : undefined;
      if (rest) for (const warning of restStartupWarnings(config.rest)) log.warn('rest.unprotected', { warning });
      log.info('shards.started', { shards: count });
      return new ShardedHerald(config, host, log, store, actors, push, relay, shards, idBase, rest);
    } catch (e) {
      for (const stop of cleanup.reverse()) await stop();
      throw e;
    }
  }

  /**
   * As Herald.handleStanza: settles once the shard handled the stanza (an IQ request's reply is
   * routed by then), rejects as Herald's would (the HeraldError code and an XmlViolation's
   * condition cross threads).
   */
  handleStanza(input: Element | string): Promise<void> {
    if (this.closing) return Promise.reject(new HeraldError('HERALD_SHUTTING_DOWN'));
    const text = typeof input === 'string' ? input : input.toString();
    const index = typeof input === 'string' ? shardOfText(input, this.routing) : shardOfElement(input, this.routing);
    const shard = this.shards[index]!;
    if (!shard.alive) return this.refuseForDeadShard(text);
    const seq = ++this.seq;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(seq, { shard: index, resolve, reject });
      shard.port.send(['stanza', seq, text]);
    });
  }

  handleText = (text: string): Promise<void> => this.handleStanza(text);

  /** A message the host delivers to a local user; its shard pushes it when the user has no available session. */
  messageToUser(message: Element | string): void {
    if (this.closing) throw new HeraldError('HERALD_SHUTTING_DOWN');
    const text = typeof message === 'string' ? message : message.toString();
    const to = typeof message === 'string' ? readHead(message)?.to : (message.attrs.to as string | undefined);
    this.toShard(shardOfJid(to ?? '', this.shards.length), ['message', text]);
  }

  sessionAvailable(fullJid: string): void {
    this.toShard(shardOfJid(fullJid, this.shards.length), ['available', fullJid]);
  }

  sessionHibernated(fullJid: string): void {
    this.toShard(shardOfJid(fullJid, this.shards.length), ['hibernated', fullJid]);
  }

  sessionUnavailable(fullJid: string): void {
    this.toShard(shardOfJid(fullJid, this.shards.length), ['unavailable', fullJid]);
  }

  storeUsage(): StoreUsage {
    return this.store.usage();
  }

  /** Stops taking stanzas, lets every shard answer what it holds and stop, then the rest. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.rest?.close();
    for (const shard of this.shards) {
      if (!shard.alive) continue;
      shard.port.send(['close']);
      shard.port.flush();
    }
    await Promise.all(this.shards.map((s) => s.closed));
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
    this.tokenRelay.stop();
    await this.push.pools.close(0);
    await this.push.apnsSimulator?.close();
    await this.push.fcmSimulator?.close();
    this.actors.stop();
    await this.store.close();
  }

  private toShard(index: number, item: ToShard): void {
    const shard = this.shards[index]!;
    if (shard.alive) shard.port.send(item);
  }

  private listen(shard: Shard, index: number): void {
    shard.deliver = (batch) => {
      for (const item of batch) this.fromShard(item, shard);
    };
    for (const batch of shard.early.splice(0)) shard.deliver(batch);
    shard.worker.on('error', (error) => this.log.error('shard.failed', { shard: index, error }));
    shard.worker.on('exit', (code) => {
      shard.markClosed();
      if (!shard.alive) return;
      shard.alive = false;
      if (!this.closing) this.log.error('shard.died', { shard: index, exit_code: code, code: 'HERALD_SHARD_FAILED' });
      for (const [seq, waiting] of this.waiting) {
        if (waiting.shard !== index) continue;
        this.waiting.delete(seq);
        waiting.reject(new HeraldError('HERALD_SHARD_FAILED', `shard ${index} stopped`));
      }
    });
  }

  private fromShard(item: FromShard, shard: Shard): void {
    switch (item[0]) {
      case 'route':
        return this.route(item[1]);
      case 'done': {
        const waiting = this.waiting.get(item[1]);
        this.waiting.delete(item[1]);
        return waiting?.resolve();
      }
      case 'failed': {
        const waiting = this.waiting.get(item[1]);
        this.waiting.delete(item[1]);
        return waiting?.reject(rebuildFailure(item[2]));
      }
      case 'log':
        return this.log[item[1]](item[2], item[3] ?? undefined);
      case 'closed':
        return shard.markClosed();
    }
  }

  private route(text: string): void {
    if (this.host.routeText) this.host.routeText(text);
    else this.host.route(parseStanza(text, OWN_STANZA_LIMITS));
  }

  /** RFC 6120 §8.2.3: an IQ request still gets its one answer when its shard is gone. */
  private refuseForDeadShard(text: string): Promise<void> {
    const failure = new HeraldError('HERALD_SHARD_FAILED', 'the stanza\'s shard stopped');
    let stanza: Element;
    try {
      stanza = parseStanza(text, stanzaLimitsOf(this.config.xmpp));
    } catch {
      return Promise.reject(failure);
    }
    const type = stanza.attrs.type;
    if (stanza.name === 'iq' && (type === 'get' || type === 'set')) {
      this.host.route(errorReply(headOf(stanza), new StanzaError('internal-server-error', 'wait', 'this part of the push service is down')));
      return Promise.resolve();
    }
    return Promise.reject(failure);
  }
}

function simulatorEndpoints(push: PushSide): SimulatorEndpoints {
  const endpoints: SimulatorEndpoints = {};
  if (push.apnsSimulator) endpoints.apns = { url: push.apnsSimulator.url, ca: push.apnsSimulator.ca };
  if (push.fcmSimulator) endpoints.fcm = { url: push.fcmSimulator.url, ca: push.fcmSimulator.ca, serviceAccount: push.fcmSimulator.serviceAccount };
  return endpoints;
}

/**
 * A shard's config: no REST (the main thread serves it), no simulators of its own, senders on
 * its own thread, and its part of each pool's connections (`connections` is the process's
 * count, split among the shards; at least one each).
 */
export function shardConfig(config: HeraldConfig, count: number): HeraldConfig {
  const part = (connections: number) => Math.max(1, Math.round(connections / count));
  const apns = withoutSenderThreads(config).apns;
  return {
    ...config,
    rest: { ...config.rest, enabled: false },
    simulators: { apns: { ...config.simulators.apns, enabled: false }, fcm: { ...config.simulators.fcm, enabled: false } },
    apns: {
      ...apns,
      connections: part(apns.connections),
      pools: apns.pools?.map((pool) => (pool.connections === undefined ? pool : { ...pool, connections: part(pool.connections) })),
    },
    fcm: {
      ...config.fcm,
      connections: part(config.fcm.connections),
      pools: config.fcm.pools?.map((pool) => (pool.connections === undefined ? pool : { ...pool, connections: part(pool.connections) })),
    },
  };
}

function withoutSenderThreads(config: HeraldConfig): HeraldConfig {
  return { ...config, apns: { ...config.apns, sender_threads: 0, pools: config.apns.pools?.map((pool) => ({ ...pool, sender_threads: 0 })) } };
}

/** The workers, one MessageChannel between each pair; each has opened the store and its pools when this resolves. */
async function startShards(
  config: HeraldConfig,
  count: number,
  idBase: string,
  simulators: SimulatorEndpoints,
  tokens: Array<[string, string]>,
  log: Logger,
): Promise<Shard[]> {
  const peers: Array<Array<MessagePort | undefined>> = Array.from({ length: count }, () => new Array<MessagePort | undefined>(count));
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      const { port1, port2 } = new MessageChannel();
      peers[i]![j] = port1;
      peers[j]![i] = port2;
    }
  }
  const perShard = shardConfig(config, count);
  const shards = peers.map((ports, index) => {
    const data: ShardWorkerData = { index, config: perShard, idPrefix: `${idBase}${index}-`, simulators, tokens, peers: ports };
    const worker = new Worker(new URL('./shard-worker.js', import.meta.url), {
      workerData: data,
      transferList: ports.filter((p): p is MessagePort => p !== undefined),
      name: `herald-shard-${index}`,
    });
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const early: FromShard[][] = [];
    const shard: Shard = { worker, port: new BatchedPort<ToShard>(worker), alive: true, closed, markClosed, early, deliver: (batch) => early.push(batch) };
    // The first message is ShardStarted (whenReady); every later one a batch.
    worker.on('message', (message: string | ShardStarted) => {
      if (typeof message === 'string') shard.deliver(itemsOf<FromShard>(message));
    });
    return shard;
  });
  try {
    await Promise.all(shards.map((shard, index) => whenReady(shard.worker, index, config.shards.start_timeout_ms)));
  } catch (e) {
    await Promise.all(shards.map((s) => s.worker.terminate()));
    throw e;
  }
  log.debug('shards.ready', { shards: count });
  return shards;
}

function whenReady(worker: Worker, index: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      reject(new HeraldError('HERALD_SHARD_FAILED', `shard ${index}: ${why}`));
    };
    const onMessage = (started: ShardStarted | string): void => {
      if (typeof started === 'string') return void worker.once('message', onMessage); // log lines of its start
      if (!started.ready) return fail(started.error);
      clearTimeout(timer);
      worker.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number): void => fail(`exited with code ${code} before it was ready`);
    const timer = setTimeout(() => fail(`not ready within shards.start_timeout_ms (${timeoutMs} ms)`), timeoutMs);
    worker.once('message', onMessage);
    worker.once('exit', onExit);
  });
}
