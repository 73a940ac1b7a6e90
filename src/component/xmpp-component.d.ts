// @xmpp/component 0.13 ships no type declarations; this covers the part Herald uses
// (component-link.ts). Statuses and members as in @xmpp/connection 0.13 (lib/index.js).
declare module '@xmpp/component' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';
  import type { Element } from '@xmpp/xml';

  /** The connection's life: connecting → connect → opening → open → online; closing → close; disconnecting → disconnect. */
  export type ComponentStatus =
    | 'offline'
    | 'connecting'
    | 'connect'
    | 'opening'
    | 'open'
    | 'online'
    | 'closing'
    | 'close'
    | 'disconnecting'
    | 'disconnect';

  /** @xmpp/reconnect: after every 'disconnect', waits `delay` ms and reconnects; emits 'reconnecting' / 'reconnected'. */
  export interface Reconnect extends EventEmitter {
    delay: number;
    stop(): void;
  }

  export interface Component extends EventEmitter {
    status: ComponentStatus;
    /** ms each step waits: the server's stream header, the handshake answer, the stream close. */
    timeout: number;
    socket: Socket | null;
    readonly reconnect: Reconnect;
    /** Connects, opens the stream and resolves once the handshake is accepted. */
    start(): Promise<unknown>;
    /** Closes the stream (waits for the server's closing tag) and the socket. */
    stop(): Promise<unknown>;
    /** Writes one element; a stanza without `from` gets the component's JID. */
    send(element: Element): Promise<void>;
    /** Writes raw text on the socket (refused while the stream is closing). */
    write(text: string): Promise<void>;
    close(timeout?: number): Promise<unknown>;
    disconnect(timeout?: number): Promise<void>;
  }

  export function component(options: { service: string; domain: string; password: string }): Component;
}
