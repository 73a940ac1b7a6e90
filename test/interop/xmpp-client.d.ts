// @xmpp/client 0.14 ships no type declarations; this covers what the interop suites use.
declare module '@xmpp/client' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';
  import type { Element } from '@xmpp/xml';

  export interface ClientOptions {
    service: string;
    domain: string;
    username: string;
    password: string;
    resource?: string;
  }

  export interface Client extends EventEmitter {
    status: string;
    socket: Socket | null;
    readonly reconnect: { stop(): void };
    readonly iqCaller: { request(stanza: Element, timeoutMs?: number): Promise<Element> };
    /** XEP-0198, enabled during stream negotiation when the server offers it. */
    readonly streamManagement: { enabled: boolean; id: string };
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(element: Element): Promise<void>;
  }

  export function client(options: ClientOptions): Client;
}
