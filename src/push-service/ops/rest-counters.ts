/**
 * What the REST port counts about the load it sheds, for `GET /metrics` (rest-metrics.ts): plain
 * integers bumped where the refusal happens, read when metrics are scraped.
 */

/** Why a connection was closed at accept, before TLS. */
export type ConnectionRefusal = 'max_connections' | 'max_connections_per_client';

/** Why a connection was closed by Herald after it was accepted. */
export type ConnectionDrop =
  | 'tls_handshake_timeout' // rest.tls_handshake_timeout_ms
  | 'tls_handshake_failed' //  not TLS, no common protocol or cipher, reset mid-handshake
  | 'headers_timeout' //       rest.headers_timeout_ms (HTTP/1.1, 408)
  | 'bad_http' //              not parseable as HTTP/1.x (400, or 431 beyond rest.max_header_bytes)
  | 'idle'; //                 rest.idle_timeout_ms (HTTP/2: GOAWAY)

/** Why a request was answered without being served. */
export type RequestShed =
  | 'url_bytes' //                         414, rest.max_url_bytes
  | 'header_bytes' //                      431, rest.max_header_bytes
  | 'streams_per_connection' //            503, rest.max_streams_per_connection (pipelined HTTP/1.1)
  | 'pending_body_bytes_per_connection' // 503, rest.max_pending_body_bytes_per_connection
  | 'pending_body_bytes'; //               503, rest.max_pending_body_bytes

export const CONNECTION_REFUSALS: readonly ConnectionRefusal[] = ['max_connections', 'max_connections_per_client'];
export const CONNECTION_DROPS: readonly ConnectionDrop[] = ['tls_handshake_timeout', 'tls_handshake_failed', 'headers_timeout', 'bad_http', 'idle'];
export const REQUEST_SHEDS: readonly RequestShed[] = [
  'url_bytes',
  'header_bytes',
  'streams_per_connection',
  'pending_body_bytes_per_connection',
  'pending_body_bytes',
];

export class RestCounters {
  readonly refused = zeroes(CONNECTION_REFUSALS);
  readonly dropped = zeroes(CONNECTION_DROPS);
  readonly shed = zeroes(REQUEST_SHEDS);
  unauthorized = 0;
}

/** What the scrape reads now, besides the counters. */
export interface RestGauges {
  /** Client connections open (accepted, not yet closed). */
  readonly connections: number;
  /** Bytes held for request bodies still arriving. */
  readonly pendingBodyBytes: number;
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
