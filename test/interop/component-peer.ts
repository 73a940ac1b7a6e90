/**
 * One bare XEP-0114 component connection (@xmpp/component, never reconnecting) that records what
 * a real server does with it: whether its handshake was accepted, the stream error it was sent,
 * whether its stream ended, and the ids of the messages the server handed it. Several of them
 * joining as one domain stand for several Herald instances (component-peers.test.ts).
 */
import { component, type Component } from '@xmpp/component';
import type { Element } from '@xmpp/xml';
import { withTimeout, ROUND_TRIP_TIMEOUT_MS } from './xmpp-clients.js';

export interface StreamErrorSeen {
  /** The RFC 6120 §4.9.3 condition, e.g. 'conflict'. */
  condition: string;
  text: string | undefined;
}

export class ComponentPeer {
  /** Ids of the messages the server handed this connection, in order. */
  readonly received: string[] = [];
  /** The stream error the server closed this stream with, if any. */
  streamError: StreamErrorSeen | undefined;
  private ended = false;

  private constructor(
    readonly name: string,
    private readonly entity: Component,
  ) {
    entity.reconnect.stop();
    entity.on('error', (e: { name?: string; condition?: string; text?: string }) => {
      if (e.name === 'StreamError' && e.condition) this.streamError = { condition: e.condition, text: e.text || undefined };
    });
    entity.on('stanza', (stanza: Element) => {
      if (stanza.name === 'message' && typeof stanza.attrs.id === 'string') this.received.push(stanza.attrs.id);
    });
    entity.on('disconnect', () => {
      this.ended = true;
    });
  }

  /**
   * Connects and handshakes as `domain`; resolves once the server has answered the handshake,
   * whether it accepted it (`online`) or closed the stream (`streamError`).
   */
  static async join(name: string, options: { service: string; domain: string; password: string }): Promise<ComponentPeer> {
    const peer = new ComponentPeer(name, component(options));
    try {
      await withTimeout(peer.entity.start(), ROUND_TRIP_TIMEOUT_MS, `${name} joins as ${options.domain}`);
    } catch (e) {
      if (!peer.streamError) {
        peer.kill();
        throw e;
      }
    }
    return peer;
  }

  /** The handshake was accepted and the stream is still open. */
  get online(): boolean {
    return this.entity.status === 'online';
  }

  /** The server ended this connection (stream error or closed socket). */
  get closed(): boolean {
    return this.ended || this.entity.socket === null;
  }

  /** The socket is destroyed without closing the stream: what the server sees when the instance is killed (kill -9). */
  kill(): void {
    this.entity.socket?.destroy();
  }

  /** Closes the stream and the socket, or destroys the socket when the server does not answer. */
  async leave(): Promise<void> {
    if (this.closed) return;
    try {
      await withTimeout(this.entity.stop(), ROUND_TRIP_TIMEOUT_MS, `${this.name} leaves`);
    } catch {
      this.kill();
    }
  }
}
