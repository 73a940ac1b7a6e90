/**
 * Herald joined to an XMPP server as an XEP-0114 external component: the server hands it every
 * stanza addressed to its domain, `app_server.jid` (its users' node management, its own
 * notification publishes), and Herald's answers go back on the same stream. This is a `HeraldHost`: pass it
 * to `Herald.start({ host })`, then `start(herald)`.
 *
 * The connection is @xmpp/component's (TCP, the XEP-0114 §3 handshake) and so is the reconnect
 * loop (@xmpp/reconnect: after every disconnect it waits `reconnect.delay` and tries again);
 * this file sets that delay from an exponential backoff with jitter (core/backoff.ts), adds
 * what the library leaves out (a deadline for the handshake, TCP keepalive, the answer to a
 * server that closes its stream), has the stream read by Herald's strict, bounded parser under
 * the [xmpp] limits (strict-stream.ts) and logs every change of state. When the sink takes text
 * (`handleText`: a sharded Herald, whose shards parse), the stream is framed instead of parsed
 * (framed-stream.ts) and each stanza handed over as its text.
 */
import { EventEmitter } from 'node:events';
import { component as xmppComponent, type Component, type ComponentStatus } from '@xmpp/component';
import type { Element } from '@xmpp/xml';
import { foldRepeats, type FoldingLogger } from '../core/aggregated-log.js';
import type { ComponentConfig, HeraldConfig } from '../core/config/schema.js';
import { isHeraldError } from '../core/errors.js';
import { mark, tracing } from '../core/latency-trace.js';
import { silentLogger, type Logger } from '../core/log.js';
import type { HeraldHost } from '../embed/engine.js';
import { readHead } from '../shards/routing-key.js';
import { InboundStream } from '../xmpp/inbound-stream.js';
import { overLimitReply, type StanzaOverLimit } from '../xmpp/stanza-limits.js';
import { XmlViolation } from '../xmpp/xml-violation.js';
import { backoffDelayMs } from '../core/backoff.js';
import { streamErrorElement } from './stream-errors.js';
import { readStreamStrictly, stopReading } from './strict-stream.js';
import { attr } from '../xmpp/attr.js';

/**
 * ms from TCP connect to an accepted handshake. @xmpp/connection gives up waiting for the stream
 * header or the handshake answer after `timeout` but leaves the socket open and never reconnects;
 * past this deadline the socket is destroyed, which starts the reconnect loop again.
 */
export const HANDSHAKE_DEADLINE_MS = 15_000;
/** ms @xmpp/connection waits for each step (stream header, handshake answer, stream close); its 2 s default is short for a loaded server. */
const STEP_TIMEOUT_MS = 5_000;
/**
 * ms of silence before TCP keepalive probes start: the component stream carries nothing while
 * no one pushes, and a server host that vanished (no FIN, no RST) must not go unnoticed for hours.
 */
export const TCP_KEEPALIVE_MS = 30_000;

/** The end of the component's stream (XEP-0114 uses the jabber:component:accept stream of RFC 6120). */
const STREAM_CLOSING_TAG = '</stream:stream>';
/**
 * ms over which refused stanzas are folded into one log line: any user of the server can send
 * them at will, and one line a minute with the count tells the operator as much as one per stanza.
 */
const REFUSED_STANZAS_LOG_INTERVAL_MS = 60_000;

/** idle → connecting → online → waiting (for the reconnect delay) → connecting … → stopped. */
export type LinkState = 'idle' | 'connecting' | 'online' | 'waiting' | 'stopped';

/** Where received stanzas go: `Herald.handleStanza`. */
export interface StanzaSink {
  handleStanza(stanza: Element): Promise<void>;
  /**
   * A stanza as the text it had on the stream, for a sink that parses it itself (a sharded
   * Herald, on its shards): with it the link frames the stream instead of parsing it. Rejects
   * with an XmlViolation for a stanza its strict parse refuses: the link then closes the stream,
   * and the sink acts on no later stanza of `stream` (RFC 6120 §4.9), rejecting them
   * HERALD_AFTER_STREAM_ERROR.
   */
  handleText?(text: string, stream: InboundStream): Promise<void>;
}

export interface LinkStats {
  /** TCP connections attempted. */
  connects: number;
  /** Handshakes accepted. */
  onlines: number;
  /** Stanzas received while online. */
  received: number;
  /** Stanzas written to the stream. */
  sent: number;
  /** Stanzas Herald routed while the link was down (not queued: the server bounces or times out the requests). */
  dropped: number;
  /** Stanzas over an [xmpp] limit, not built: IQ get/set answered policy-violation, others dropped. */
  refused: number;
  /** Streams closed by Herald with a stream error (XML it could not read on). */
  streamErrors: number;
}

export interface ComponentLinkOptions {
  /** The server to join: `service`, `password` and the `reconnect` backoff of `[component]`. */
  config: Pick<ComponentConfig, 'service' | 'password' | 'reconnect'>;
  /** The component's domain: `app_server.jid`, where the App Server answers. */
  domain: string;
  /** The limits the stream is read under: max_stanza_bytes, max_stanza_depth, stream_cutoff_bytes. */
  xmpp: HeraldConfig['xmpp'];
  log?: Logger;
  /** For the reconnect jitter (tests pin it). */
  random?: () => number;
  /** Default HANDSHAKE_DEADLINE_MS (tests shorten it). */
  handshakeDeadlineMs?: number;
}

export interface LinkEvents {
  state: [LinkState];
  /** The link went down and the next attempt comes after `delayMs`; `failures` attempts in a row did not get online. */
  backoff: [{ delayMs: number; failures: number }];
}

export class ComponentLink extends EventEmitter<LinkEvents> implements HeraldHost {
  readonly stats: LinkStats = { connects: 0, onlines: 0, received: 0, sent: 0, dropped: 0, refused: 0, streamErrors: 0 };
  private readonly entity: Component;
  private readonly log: Logger;
  private readonly refusals: FoldingLogger;
  private readonly random: () => number;
  private sink: StanzaSink | undefined;
  private linkState: LinkState = 'idle';
  /** Attempts in a row that did not reach `online` (drives the backoff). */
  private failures = 0;
  private droppedWhileDown = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private closingWithError = false;
  /** The server's stream error of this attempt was logged (@xmpp/component reports it twice). */
  private refusalLogged = false;
  /** Counts the TCP connections: a refusal of a stanza read on an earlier one is not about this stream. */
  private connection = 0;
  /** The stream of this connection, named to a sink that takes text. */
  private stream = new InboundStream();

  constructor(private readonly options: ComponentLinkOptions) {
    super();
    const { config } = options;
    this.log = options.log ?? silentLogger;
    this.refusals = foldRepeats(this.log, REFUSED_STANZAS_LOG_INTERVAL_MS);
    this.random = options.random ?? Math.random;
    this.entity = xmppComponent({ service: config.service, domain: options.domain, password: config.password });
    this.entity.timeout = STEP_TIMEOUT_MS;
    // @xmpp/component's IQ middleware answers every IQ get/set that no handler registered with
    // it claims (service-unavailable). Herald answers every IQ itself, exactly once (RFC 6120
    // §8.2.3), so the middleware, the only 'element' listener at this point, must not see them.
    for (const listener of this.entity.listeners('element')) {
      this.entity.removeListener('element', listener as (...args: unknown[]) => void);
    }
    const { xmpp } = options;
    readStreamStrictly(
      this.entity,
      { maxBytes: xmpp.max_stanza_bytes, maxDepth: xmpp.max_stanza_depth, cutoffBytes: xmpp.stream_cutoff_bytes },
      {
        overLimit: (refusal) => this.onOverLimit(refusal),
        violation: (error) => this.onXmlViolation(error),
        failure: (error) => this.onReadFailure(error),
        framesText: () => this.sink?.handleText !== undefined,
        stanzaText: (text) => this.onStanzaText(text),
      },
    );
    this.entity.reconnect.delay = this.nextDelay();
    this.entity.reconnect.on('reconnecting', () => {
      this.failures++;
      // Read by @xmpp/reconnect when this attempt, too, ends in a disconnect.
      this.entity.reconnect.delay = this.nextDelay();
    });
    this.entity.on('status', (status: ComponentStatus) => this.onStatus(status));
    this.entity.on('error', (error: unknown) => this.onError(error));
    this.entity.on('stanza', (stanza: Element) => this.onStanza(stanza));
  }

  get state(): LinkState {
    return this.linkState;
  }

  /** Starts joining the server; from now on the link reconnects by itself until `stop()`. */
  start(sink: StanzaSink): void {
    if (this.sink || this.linkState === 'stopped') throw new Error('ComponentLink.start: already started or stopped');
    this.sink = sink;
    this.log.info('component.starting', { service: this.options.config.service, domain: this.options.domain });
    // A failed first attempt ends in 'disconnect' like any other: the reconnect loop takes over.
    this.entity.start().catch(() => {});
  }

  /** HeraldHost: sends what Herald routes (IQ replies, notifications) on the component stream. */
  route(stanza: Element): void {
    if (this.entity.status !== 'online' || this.closingWithError) {
      this.drop(stanza);
      return;
    }
    this.entity.send(stanza).then(
      () => void this.stats.sent++,
      () => this.drop(stanza),
    );
  }

  /** HeraldHost: a stanza already written as text (by a shard), sent as it is. */
  routeText(text: string): void {
    if (this.entity.status !== 'online' || this.closingWithError) {
      this.dropText(text);
      return;
    }
    const id = tracing ? readHead(text)?.id : undefined;
    this.entity.write(text).then(
      () => {
        this.stats.sent++;
        if (tracing) mark('main.written', id);
      },
      () => this.dropText(text),
    );
  }

  /** Resolves once the link is online; rejects after `timeoutMs`. */
  waitOnline(timeoutMs: number): Promise<void> {
    if (this.linkState === 'online') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onState = (state: LinkState): void => {
        if (state !== 'online' && state !== 'stopped') return;
        clearTimeout(timer);
        this.off('state', onState);
        if (state === 'online') resolve();
        else reject(new Error('the component link was stopped'));
      };
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(new Error(`the component link was not online within ${timeoutMs} ms (state ${this.linkState})`));
      }, timeoutMs);
      this.on('state', onState);
    });
  }

  /** Closes the stream (RFC 6120 §4.4) and stops reconnecting. */
  async stop(): Promise<void> {
    if (this.linkState === 'stopped') return;
    this.setState('stopped');
    this.entity.reconnect.stop();
    clearTimeout(this.handshakeTimer);
    if (this.entity.status === 'online') {
      try {
        await this.entity.stop();
      } catch {
        // the socket is destroyed below whatever happened
      }
    }
    this.entity.socket?.destroy();
    this.refusals.flush();
    this.log.info('component.stopped', { stats: { ...this.stats } });
  }

  private onStatus(status: ComponentStatus): void {
    if (this.linkState === 'stopped') {
      // An attempt that was under way when stop() came: end it.
      if (status === 'connect' || status === 'online') this.entity.socket?.destroy();
      return;
    }
    switch (status) {
      case 'connecting':
        this.stats.connects++;
        this.connection++;
        this.stream = new InboundStream();
        this.refusalLogged = false;
        this.setState('connecting');
        return;
      case 'connect':
        this.entity.socket?.setKeepAlive(true, TCP_KEEPALIVE_MS);
        // Nagle off: an IQ result is a small write, and with Nagle on it waits for the ACK of
        // the previous one, which the server's delayed ACK holds until its next publish (traced
        // at 500 publishes/s: write → server's read p50 0.8-1.0 ms with Nagle, 0.07-0.19 without).
        this.entity.socket?.setNoDelay(true);
        clearTimeout(this.handshakeTimer);
        this.handshakeTimer = setTimeout(() => this.handshakeOverdue(), this.options.handshakeDeadlineMs ?? HANDSHAKE_DEADLINE_MS);
        return;
      case 'online':
        clearTimeout(this.handshakeTimer);
        this.stats.onlines++;
        this.failures = 0;
        this.closingWithError = false;
        this.entity.reconnect.delay = this.nextDelay();
        this.log.info('component.online', { domain: this.options.domain, dropped_while_down: this.droppedWhileDown });
        this.droppedWhileDown = 0;
        this.setState('online');
        return;
      case 'close':
        // RFC 6120 §4.4: the server closed its stream; close ours and the connection (unless
        // this is the server's answer to our own close, which closeWithStreamError completes).
        if (!this.closingWithError) void this.answerClose();
        return;
      case 'disconnect': {
        clearTimeout(this.handshakeTimer);
        this.closingWithError = false;
        // @xmpp/reconnect has just scheduled the next attempt with this delay.
        const delayMs = this.entity.reconnect.delay;
        this.log.warn('component.offline', { service: this.options.config.service, retry_in_ms: delayMs, failed_attempts: this.failures });
        this.setState('waiting');
        this.emit('backoff', { delayMs, failures: this.failures });
        return;
      }
      default:
        return;
    }
  }

  private onError(error: unknown): void {
    if (this.linkState === 'stopped') return;
    const { condition, text, code, message } = error as { condition?: string; text?: string; code?: string; message?: string };
    if (condition) {
      // A stream error from the server (RFC 6120 §4.9.3): say what usually causes it.
      if (!this.refusalLogged) this.log.error('component.refused', { condition, text, hint: STREAM_ERROR_HINTS[condition] });
      this.refusalLogged = true;
      return;
    }
    this.log.warn('component.error', { code, error: message ?? String(error) });
  }

  private onStanza(stanza: Element): void {
    // XEP-0114 §3: before the handshake is accepted the server sends no stanzas.
    if (this.entity.status !== 'online' || this.closingWithError || !this.sink) return;
    this.stats.received++;
    this.sink.handleStanza(stanza).catch((e: unknown) => {
      if (!isHeraldError(e, 'HERALD_SHUTTING_DOWN')) this.log.error('component.stanza_failed', { error: e });
    });
  }

  /** A stanza framed as text, for a sink that parses it itself. */
  private onStanzaText(text: string): void {
    if (this.entity.status !== 'online' || this.closingWithError || !this.sink) return;
    if (tracing) mark('main.received', readHead(text)?.id);
    this.stats.received++;
    const connection = this.connection;
    this.sink.handleText!(text, this.stream).catch((e: unknown) => this.onTextRefused(e, connection));
  }

  /**
   * The sink's strict parse refused a framed stanza: the stream carried XML Herald cannot read,
   * as if the stream parser had refused it (the framer leaves the characters inside text and
   * attribute values, and namespace prefixes, to that parse). The stream is closed with the
   * refusal's condition (RFC 6120 §4.9.3), as `onXmlViolation` closes it. Stanzas framed after
   * this one before the refusal came back were handed over already; the sink acts on none of
   * them (§4.9: nothing after the error is processed) and rejects each
   * HERALD_AFTER_STREAM_ERROR, which needs no word here.
   */
  private onTextRefused(e: unknown, connection: number): void {
    if (isHeraldError(e, 'HERALD_SHUTTING_DOWN') || isHeraldError(e, 'HERALD_AFTER_STREAM_ERROR')) return;
    if (!(e instanceof XmlViolation) || connection !== this.connection) {
      this.log.error('component.stanza_failed', { error: e });
      return;
    }
    stopReading(this.entity);
    this.onXmlViolation(e);
  }

  /**
   * A stanza over max_stanza_bytes or max_stanza_depth, read to its end but not built. RFC 6120
   * §13.12 would close the stream with policy-violation; a component stream carries the traffic
   * of every user of the server, and the server enforces its own limits on what its users send,
   * so closing it would let any one user cut everyone's pushes at will (and ejabberd answers the
   * publishes sent meanwhile with errors that make mod_push drop registrations). The stanza is
   * refused instead: an IQ get/set gets its error (RFC 6120 §8.2.3: every request is answered),
   * anything else is dropped, and one line a minute says how many.
   */
  private onOverLimit(refusal: StanzaOverLimit): void {
    if (this.entity.status !== 'online' || this.closingWithError || !this.sink) return;
    this.stats.received++;
    this.stats.refused++;
    const reply = overLimitReply(refusal);
    if (reply) this.route(reply);
    const { head } = refusal;
    this.refusals.warn('component.stanza_refused', { code: refusal.code, name: head?.name, type: head?.attrs.type, from: head?.attrs.from, answered: reply !== undefined });
  }

  /**
   * XML the stream cannot be read on (RFC 6120 §4.9.3: not well-formed, restricted, a bad prefix,
   * not UTF-8, the cut-off reached): the stream error with that condition, then the closing tag
   * and the TCP connection (§4.9.1.1); the reconnect loop joins again. The parser is detached
   * already, so whatever the server sends meanwhile is not read.
   */
  private onXmlViolation(error: XmlViolation): void {
    if (this.linkState === 'stopped' || this.closingWithError) return;
    this.closingWithError = true;
    this.stats.streamErrors++;
    this.log.warn('component.stream_error_sent', { condition: error.condition, text: error.detail });
    void this.closeWithStreamError(streamErrorElement(error.condition, error.detail));
  }

  /** A throw while a chunk was read is a bug of Herald's: the connection is dropped and joined again. */
  private onReadFailure(error: unknown): void {
    this.log.error('component.read_failed', { error });
    this.entity.socket?.destroy(); // → 'disconnect' → the reconnect loop
  }

  /** RFC 6120 §4.9.1.1: the stream error, then the closing tag, then the TCP connection. */
  private async closeWithStreamError(streamError: Element): Promise<void> {
    try {
      await this.entity.send(streamError);
      await this.entity.write(STREAM_CLOSING_TAG);
    } catch {
      // the connection is ended below whatever happened
    }
    try {
      await this.entity.disconnect();
    } catch {
      this.entity.socket?.destroy();
    }
  }

  /** RFC 6120 §4.4: "the other party MUST also close the stream by sending a closing tag", then TCP. */
  private async answerClose(): Promise<void> {
    try {
      await this.entity.write(STREAM_CLOSING_TAG);
      await this.entity.disconnect();
    } catch {
      this.entity.socket?.destroy();
    }
  }

  private handshakeOverdue(): void {
    if (this.entity.status === 'online' || this.linkState === 'stopped') return;
    this.log.warn('component.handshake_timeout', { service: this.options.config.service, after_ms: this.options.handshakeDeadlineMs ?? HANDSHAKE_DEADLINE_MS });
    this.entity.socket?.destroy(); // → 'disconnect' → the reconnect loop
  }

  private drop(stanza: Element): void {
    this.dropped(stanza.name, attr(stanza, 'type'));
  }

  private dropText(text: string): void {
    const head = readHead(text);
    this.dropped(head?.name, head?.type);
  }

  private dropped(name: string | undefined, type: string | undefined): void {
    this.stats.dropped++;
    // One line per outage, the count when the link is back (component.online).
    if (this.droppedWhileDown++ === 0) {
      this.log.warn('component.dropping', { reason: 'the component link is down', name, type });
    }
  }

  private nextDelay(): number {
    return backoffDelayMs(this.options.config.reconnect, this.failures, this.random);
  }

  private setState(state: LinkState): void {
    if (state === this.linkState) return;
    this.linkState = state;
    this.emit('state', state);
  }
}

/** What an operator should check for the stream errors a server answers a component with (RFC 6120 §4.9.3). */
const STREAM_ERROR_HINTS: Readonly<Record<string, string>> = {
  'not-authorized': 'the server refused the handshake: component.password must equal the server\'s component secret',
  'host-unknown': 'the server serves no component at app_server.jid (Prosody: Component "…" block)',
  'improper-addressing': 'the server serves no component at app_server.jid',
  conflict: 'another component is connected at app_server.jid',
  'system-shutdown': 'the server is shutting down',
};
