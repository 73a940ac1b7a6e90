/**
 * Admission at accept, before any TLS work (the cheapest place to refuse): `rest.max_connections`
 * in total (enforced by net.Server.maxConnections, which closes the accepted handle before a JS
 * socket exists) and `rest.max_connections_per_client` per client (client-address.ts).
 */
import type { ConnectionRefusal } from '../push-service/ops/rest-counters.js';
import { clientKey } from './client-address.js';

/** Where the server tags each TLS socket (and HTTP/2 session and stream) with its Connection. */
export const CONNECTION = Symbol('herald.rest.connection');
export type WithConnection = { [CONNECTION]?: Connection };

/** What the server keeps per admitted connection. */
export interface Connection {
  readonly client: string;
  readonly remote: string | undefined;
  /** Bytes held for this connection's bodies still arriving (body-budget.ts). */
  pendingBodyBytes: number;
  /** Notification requests accepted and not yet answered or abandoned. */
  exchanges: number;
  /** HTTP/2: streams open now. */
  openStreams: number;
  /** HTTP/2: performance.now() when openStreams last fell to 0 (or the session began). */
  idleSince: number;
}

export class ConnectionGate {
  private readonly perClient = new Map<string, number>();
  /** Admitted and not yet closed. */
  open = 0;

  constructor(private readonly maxPerClient: number) {}

  /** The connection's record, or why it is refused. */
  admit(remote: string | undefined): Connection | ConnectionRefusal {
    const client = clientKey(remote);
    const count = this.perClient.get(client) ?? 0;
    if (count >= this.maxPerClient) return 'max_connections_per_client';
    this.perClient.set(client, count + 1);
    this.open++;
    return { client, remote, pendingBodyBytes: 0, exchanges: 0, openStreams: 0, idleSince: 0 };
  }

  release(connection: Connection): void {
    this.open--;
    const count = (this.perClient.get(connection.client) ?? 1) - 1;
    // Deleted at 0: the map holds only clients with an open connection (at most max_connections).
    if (count === 0) this.perClient.delete(connection.client);
    else this.perClient.set(connection.client, count);
  }
}
