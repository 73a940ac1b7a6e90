/**
 * Bytes held for request bodies still arriving, per connection and in total
 * (`rest.max_pending_body_bytes_per_connection`, `rest.max_pending_body_bytes`). A request
 * charges the bytes it allocates before it holds them; a charge that would exceed either bound is
 * refused, and the request is answered 503 (issue 8 finding 7: 30 connections × 1 000 streams ×
 * 16 KB of never-finished bodies held 600 MB).
 */
import type { RequestShed } from '../push-service/ops/rest-counters.js';
import type { Connection } from './connection-gate.js';

export class BodyBudget {
  /** Bytes charged now, all connections together. */
  held = 0;

  constructor(
    private readonly perConnection: number,
    private readonly total: number,
  ) {}

  /** Charges `bytes` to the connection, or says which bound it would exceed (nothing charged then). */
  charge(connection: Connection, bytes: number): RequestShed | undefined {
    if (connection.pendingBodyBytes + bytes > this.perConnection) return 'pending_body_bytes_per_connection';
    if (this.held + bytes > this.total) return 'pending_body_bytes';
    connection.pendingBodyBytes += bytes;
    this.held += bytes;
    return undefined;
  }

  release(connection: Connection, bytes: number): void {
    connection.pendingBodyBytes -= bytes;
    this.held -= bytes;
  }
}
