/**
 * Herald on every core: the XMPP roles run on `shards.count` worker threads (shard-worker.ts),
 * each owning the users and push nodes whose key hashes to it (routing-key.ts), each with its own
 * actors, parser, LMDB handle (one environment, shared by the threads) and HTTP/2 connections.
 * The main thread moves bytes: it reads each stanza's routing key from its start tag, hands the
 * text to the shard in order, and routes what the shards send back; it also serves the REST API
 * (with its own sender threads).
 *
 * The embedding API is Herald's (embed/engine.ts) with two differences a host should know:
 * `messageToUser` and the session events return before the shard acted (a malformed message is
 * logged by the shard, not thrown), and the roles' internals (`xmppServer`, `appServer`) live in
 * the shards, out of reach.
 */
import { randomBytes } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { backoffDelayMs } from '../core/backoff.js';
import { idempotencyLeaseMs, type HeraldConfig } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import { mark, tracing } from '../core/latency-trace.js';
import type { Logger } from '../core/log.js';
import { replay } from '../core/log-relay.js';
import type { HeraldHost, HeraldOptions } from '../embed/engine.js';
import { startPushPools } from '../embed/push-wiring.js';
import { RELEASE_ID } from '../embed/release-id.js';
import { StartedParts, startGround } from '../embed/started-parts.js';
import { openMainThreadStores } from '../embed/main-thread-stores.js';
import type { PushPools } from '../push-service/pools/push-pools.js';
import { startRestServer, type RestServer } from '../rest/server.js';
import { restStartupWarnings } from '../rest/startup-warnings.js';
import type { HeraldStore, StoreUsage } from '../store/lmdb-store.js';
import { errorReply, headOf } from '../xmpp/iq.js';
import { parseStanza } from '../xmpp/parse.js';
import { StanzaError } from '../xmpp/stanza-error.js';
import { XmlViolation } from '../xmpp/xml-violation.js';
import { stanzaLimitsOf } from '../xmpp/stanza-limits.js';
import type { TokenSource } from '../push-service/apns/jwt.js';

import { TokenRelay } from './token-relay.js';
import { readHead, shardOfElement, shardOfJid, shardOfText, type ShardRouting } from './routing-key.js';
import type { FromShard, ToShard } from './shard-protocol.js';
import type { InboundStream } from '../xmpp/inbound-stream.js';
import { ShardOps } from './shard-ops.js';
import { ShardSpawner, type Shard } from './shard-spawner.js';
import { StreamGates } from './stream-gates.js';
import { rebuildFailure } from './stanza-error-transfer.js';
import type { MessageContext } from '../xmpp-server/index.js';
import { attr } from '../xmpp/attr.js';
import { loadPlugins } from '../plugins/load-plugins.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Stanzas Herald itself wrote, read back on the main thread for a host without `routeText`. */
const OWN_STANZA_LIMITS = { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: 1_000 };

/** The running parts of a sharded engine, as `ShardedHerald.start` made them. */
interface ShardedParts {
  config: HeraldConfig;
  host: HeraldHost;
  log: Logger;
  store: HeraldStore | undefined;
  pushService: PushPools;
  spawner: ShardSpawner;
  shards: Shard[];
  ops: ShardOps;
  /** The main thread's APNS tokens, relayed to the shards; their refusals answered. */
  relay: TokenRelay;
  /** Prefix of the ids of the shards' outgoing IQs; the shard index follows it. */
  idBase: string;
  rest: RestServer | undefined;
  /** Every part above that must be stopped, in start order. */
  started: StartedParts;
}

interface Waiting {
  shard: number;
  /** Kept until answered: a request whose shard dies still gets its one reply (RFC 6120 §8.2.3). */
  text: string;
  resolve(): void;
  reject(error: unknown): void;
}

export class ShardedHerald {
  private closing = false;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();
  private readonly routing: ShardRouting;
  private readonly gates: StreamGates;

  readonly config: HeraldConfig;
  private readonly host: HeraldHost;
  private readonly log: Logger;
  private readonly store: HeraldStore | undefined;
  /** The REST API's pools (the shards hold their own). */
  readonly pushService: PushPools;
  private readonly spawner: ShardSpawner;
  private readonly shards: Shard[];
  private readonly ops: ShardOps;
  private readonly relay: TokenRelay;
  /** The MongoosePush-compatible REST API, when `rest.enabled`. */
  readonly rest: RestServer | undefined;
  private readonly started: StartedParts;

  private constructor(parts: ShardedParts) {
    ({
      config: this.config,
      host: this.host,
      log: this.log,
      store: this.store,
      pushService: this.pushService,
      spawner: this.spawner,
      shards: this.shards,
      ops: this.ops,
      relay: this.relay,
      rest: this.rest,
      started: this.started,
    } = parts);
    const { idBase, shards } = parts;
    this.routing = {
      shards: shards.length,
      appServerJid: this.config.app_server.jid.toLowerCase(),
      shardOfRequestId: (id) => {
        if (!id.startsWith(idBase)) return undefined;
        const index = parseInt(id.slice(idBase.length), 10);
        return index >= 0 && index < shards.length ? index : undefined;
      },
    };
    this.gates = new StreamGates(shards.length, (index, item) => this.toShard(index, item));
    for (const shard of shards) this.listen(shard);
  }

  get shardCount(): number {
    return this.shards.length;
  }

  static async start(options: HeraldOptions, count: number): Promise<ShardedHerald> {
    const { config } = options;
    const host = options.host ?? { route: () => {} };
    if (options.plugins?.length) {
      throw new HeraldError('HERALD_CONFIG_INVALID', 'plugin objects passed to the embedding API run only on an engine of one thread (shards.count = 0): a shard worker cannot receive them; name the module in plugins.modules, which every shard imports');
    }
    // Imported here once, before any shard starts, so that a bad module fails the start with its own
    // message; each shard worker then imports it for the users it holds.
    await loadPlugins(config.plugins.modules, [], config.plugins.options);
    // Each part is recorded as it starts: close() and a failed start stop them in reverse.
    const started = new StartedParts();
    try {
      const { log, store, actors } = startGround(config, options.logger, started);
      const tokenSources = new Map<string, TokenSource>();
      // With PostgreSQL the tokens relayed to the shards are the instances' shared ones.
      const { tokenStore, idempotency } = await openMainThreadStores(config, store, log, started);
      // Without REST the main thread's pools only hold the APNS token providers the shards'
      // tokens come from: no sender thread, no connection.
      const pushService = config.rest.enabled
        ? await startPushPools(config, actors, log, { tokens: tokenSources, tokenStore })
        : await startPushPools(withoutSenderThreads(config), actors, log, { tokens: tokenSources, tokenStore, lazy: true });
      started.add(() => pushService.close(0));
      const idBase = `herald-${randomBytes(4).toString('hex')}.`;
      let shards: Shard[] = [];
      const relay = new TokenRelay(tokenSources, (id, authorization) => {
        for (const shard of shards) if (shard.alive) shard.port.send(['token', id, authorization]);
      });
      started.add(() => relay.stop());
      const spawner = new ShardSpawner({ config: shardConfig(config, count), count, idBase, tokens: () => relay.current() });
      shards = await spawner.startAll();
      let engine: ShardedHerald | undefined;
      // Once running, every shard answers what it holds before it stops; until then there is nothing to answer.
      started.add(() => (engine ? engine.stopShards() : Promise.all(shards.map((s) => s.worker.terminate()))));
      const ops = new ShardOps({
        shards: () => shards,
        timeoutMs: config.shards.ops_timeout_ms,
        mainPools: pushService.pools,
        releaseId: RELEASE_ID,
        store: store && (() => store.usage()),
        connectionsPerShard: (pool) => connectionsPart(pool.stats().connectionStates.length, count),
        componentLeadership: () => host.componentLeadership?.(),
      });
      const rest = config.rest.enabled ? await startRestServer({ config: config.rest, dispatcher: pushService, log, ops: ops.source, idempotency: idempotency && { store: idempotency, leaseMs: idempotencyLeaseMs(config) } }) : undefined;
      if (rest) started.add(() => rest.close());
      if (rest) for (const warning of restStartupWarnings(config.rest)) log.warn('rest.unprotected', { warning });
      log.info('shards.started', { shards: count });
      engine = new ShardedHerald({ config, host, log, store, pushService, spawner, shards, ops, relay, idBase, rest, started });
      return engine;
    } catch (e) {
      await started.stopAll();
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
    const seq = ++this.seq;
    if (!shard.alive) return this.refuseForDeadShard(text, seq);
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(seq, { shard: index, text, resolve, reject });
      shard.port.send(['stanza', seq, text]);
    });
  }

  /**
   * A stanza as the text it had on `stream` (a component link's: the link frames, the shards
   * parse). RFC 6120 §4.9: once a stanza of the stream is refused for a stream error (rejected
   * with the XmlViolation), no later stanza of it is acted on, though it was handed over already
   * and lands on another shard (stream-gates.ts); those reject with HERALD_AFTER_STREAM_ERROR.
   * Without `stream`, as `handleStanza`.
   */
  handleText = (text: string, stream?: InboundStream): Promise<void> => {
    if (stream === undefined) return this.handleStanza(text);
    if (this.closing) return Promise.reject(new HeraldError('HERALD_SHUTTING_DOWN'));
    if (this.gates.refused(stream)) return Promise.reject(new HeraldError('HERALD_AFTER_STREAM_ERROR'));
    const index = shardOfText(text, this.routing);
    const shard = this.shards[index]!;
    const seq = ++this.seq;
    const handOver = this.gates.handOver(stream, seq, index, text);
    if (!shard.alive) return this.refuseForDeadShard(text, seq);
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(seq, { shard: index, text, resolve, reject });
      shard.port.send(handOver);
    });
  };

  /** A message the host delivers to a local user; its shard pushes it when the user has no available session. */
  messageToUser(message: Element | string, context?: MessageContext): void {
    if (this.closing) throw new HeraldError('HERALD_SHUTTING_DOWN');
    const text = typeof message === 'string' ? message : message.toString();
    const to = typeof message === 'string' ? readHead(message)?.to : attr(message, 'to');
    const shard = shardOfJid(to ?? '', this.shards.length);
    this.toShard(shard, context === undefined ? ['message', text] : ['message', text, context]);
  }

  /** As Herald.sessionActivity (Push 2.0 `<grace/>`). */
  sessionActivity(fullJid: string): void {
    this.toShard(shardOfJid(fullJid, this.shards.length), ['activity', fullJid]);
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

  storeUsage(): StoreUsage | undefined {
    return this.store?.usage();
  }

  /** Stops taking stanzas, then stops every part in the reverse of its start (embed/started-parts.ts). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.started.stopAll();
  }

  /** Lets every shard answer what it holds and stop (one being started again included). */
  private async stopShards(): Promise<void> {
    for (const shard of this.shards) {
      if (!shard.alive) continue;
      shard.port.send(['close']);
      shard.port.flush();
    }
    await Promise.all([...this.replacement.values()]);
    await Promise.all(this.shards.map((s) => s.closed));
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
  }

  private toShard(index: number, item: ToShard): void {
    const shard = this.shards[index]!;
    if (shard.alive) shard.port.send(item);
  }

  /**
   * Stops shard `index` and starts it again: what it held in flight is answered as for a shard
   * that died (IQ requests with an error, handleStanza promises rejected HERALD_SHARD_FAILED);
   * its users' and nodes' state is in LMDB. For an operator facing a stuck shard, and the path
   * every crashed shard takes by itself.
   */
  async restartShard(index: number): Promise<void> {
    const shard = this.shards[index];
    if (!shard) throw new RangeError(`no shard ${index}`);
    await shard.worker.terminate(); // → 'exit' → down() → a replacement
    await this.replacement.get(index);
  }

  /** Shards being started again, by index (one at a time each). */
  private readonly replacement = new Map<number, Promise<void>>();

  private listen(shard: Shard): void {
    shard.deliver = (batch) => {
      for (const item of batch) this.fromShard(item, shard);
      this.gates.flush();
    };
    for (const batch of shard.early.splice(0)) shard.deliver(batch);
    shard.worker.on('error', (error) => this.log.error('shard.failed', { shard: shard.index, error }));
    shard.worker.on('exit', (code) => this.down(shard, code));
  }

  /** The shard's worker exited: what waits on it is answered, and unless Herald is closing a new one takes its place. */
  private down(shard: Shard, exitCode: number): void {
    shard.markClosed();
    if (!shard.alive) return;
    shard.alive = false;
    const { index } = shard;
    this.ops.shardExited(index, !this.closing);
    for (const [seq, waiting] of this.waiting) {
      if (waiting.shard !== index) continue;
      this.waiting.delete(seq);
      this.refuseForDeadShard(waiting.text, seq).then(waiting.resolve, waiting.reject);
    }
    this.gates.flush();
    if (this.closing) return;
    this.log.error('shard.died', { shard: index, exit_code: exitCode, error: shard.failure, code: 'HERALD_SHARD_FAILED' });
    this.replacement.set(index, this.replace(index).finally(() => this.replacement.delete(index)));
  }

  /**
   * Starts shard `index` again: at once, then after `shards.restart` (backoff_ms doubled per
   * failure in a row up to max_ms, with jitter: core/backoff.ts), for as long as Herald runs.
   */
  private async replace(index: number): Promise<void> {
    for (let failures = 0; !this.closing; failures++) {
      if (failures > 0) await sleep(backoffDelayMs(this.config.shards.restart, failures - 1));
      if (this.closing) return;
      try {
        const shard = await this.spawner.replace(index, this.shards);
        if (this.closing) {
          await shard.worker.terminate();
          return;
        }
        this.shards[index] = shard;
        this.listen(shard);
        this.log.warn('shard.restarted', { shard: index, after_failures: failures });
        return;
      } catch (e) {
        this.log.error('shard.restart_failed', { shard: index, error: e, code: 'HERALD_SHARD_FAILED' });
      }
    }
  }

  private fromShard(item: FromShard, shard: Shard): void {
    switch (item[0]) {
      case 'route':
        if (tracing) mark('main.from_shard', readHead(item[1])?.id);
        return this.route(item[1]);
      case 'read':
        return this.gates.read(item[1]);
      case 'done': {
        if (this.gates.has(item[1])) this.gates.read(item[1]); // over a limit and answered: read, no stream error
        const waiting = this.waiting.get(item[1]);
        this.waiting.delete(item[1]);
        return waiting?.resolve();
      }
      case 'failed': {
        const [, seq, failure] = item;
        // A stanza of a stream that failed its read: a stream error (an XmlViolation's condition) refuses what follows it.
        if (this.gates.has(seq)) {
          if (failure.condition !== undefined) this.gates.refuse(seq);
          else this.gates.read(seq);
        }
        const waiting = this.waiting.get(seq);
        this.waiting.delete(seq);
        return waiting?.reject(rebuildFailure(failure));
      }
      case 'log':
        return replay(this.log, [item[1], item[2], item[3] ?? undefined]);
      case 'ops':
        return this.ops.answered(item[1], item[2]);
      case 'token_refused': {
        const [, id, authorization] = item;
        void this.relay.refused(id, authorization).then((answer) => {
          if (answer !== undefined && shard.alive) shard.port.send(['token_answer', id, answer]);
        });
        return;
      }
      case 'closed':
        return shard.markClosed();
    }
  }

  private route(text: string): void {
    if (this.host.routeText) this.host.routeText(text);
    else this.host.route(parseStanza(text, OWN_STANZA_LIMITS));
  }

  /** Stanza `seq` of a stream (if it is one) was read here, with or without a stream error; its releases go out now. */
  private settleRead(seq: number, verdict: 'read' | 'refused'): void {
    if (!this.gates.has(seq)) return;
    if (verdict === 'refused') this.gates.refuse(seq);
    else this.gates.read(seq);
    this.gates.flush();
  }

  /** RFC 6120 §8.2.3: an IQ request still gets its one answer when its shard is gone. */
  private refuseForDeadShard(text: string, seq: number): Promise<void> {
    const failure = new HeraldError('HERALD_SHARD_FAILED', 'the stanza\'s shard stopped');
    let stanza: Element;
    try {
      stanza = parseStanza(text, stanzaLimitsOf(this.config.xmpp));
    } catch (e) {
      // RFC 6120 §4.9: its shard never read it, so it is read here. A stream error in it refuses
      // what follows it on its stream, as the shard's refusal would have; anything else (over a
      // limit) lets the stream go on.
      if (e instanceof XmlViolation) {
        this.settleRead(seq, 'refused');
        return Promise.reject(e);
      }
      this.settleRead(seq, 'read');
      return Promise.reject(failure);
    }
    this.settleRead(seq, 'read');
    const type = stanza.attrs.type;
    if (stanza.name === 'iq' && (type === 'get' || type === 'set')) {
      this.host.route(errorReply(headOf(stanza), new StanzaError('internal-server-error', 'wait', 'this part of the push service is down')));
      return Promise.resolve();
    }
    return Promise.reject(failure);
  }
}

/**
 * A shard's config: no REST (the main thread serves it), senders on
 * its own thread, and its part of what is counted for the process: each pool's connections and
 * the live-actor cap are split among the shards (at least one each), and so is the PostgreSQL
 * pool: `store.postgres.pool_size` is the instance's, each shard opens its part (plus its change
 * feed's one connection).
 */
function shardConfig(config: HeraldConfig, count: number): HeraldConfig {
  const part = (connections: number) => connectionsPart(connections, count);
  const apns = withoutSenderThreads(config).apns;
  return {
    ...config,
    actors: { ...config.actors, max_live_actors: part(config.actors.max_live_actors) },
    store: { ...config.store, postgres: { ...config.store.postgres, pool_size: part(config.store.postgres.pool_size) } },
    rest: { ...config.rest, enabled: false },
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

/** A shard's part of what is counted for the process (connections, live actors): at least one. */
function connectionsPart(total: number, count: number): number {
  return Math.max(1, Math.round(total / count));
}

function withoutSenderThreads(config: HeraldConfig): HeraldConfig {
  return { ...config, apns: { ...config.apns, sender_threads: 0, pools: config.apns.pools?.map((pool) => ({ ...pool, sender_threads: 0 })) } };
}
