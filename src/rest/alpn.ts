/**
 * The application protocol for a TLS connection, from what the client offers in ALPN. Pure.
 *
 * RFC 7301 §3.2: the server picks the protocol it prefers among the client's, and answers a
 * client that offers none it speaks with a fatal `no_application_protocol` alert (undefined
 * here). Herald prefers HTTP/2 (one connection carries many requests), then HTTP/1.1, then
 * HTTP/1.0: Node's HTTP/1 parser reads both, so a client that only offers `http/1.0` is served
 * rather than refused (issue 8 finding 9e). A client sending no ALPN at all gets HTTP/1.1.
 */
const SERVED_PROTOCOLS = ['h2', 'http/1.1', 'http/1.0'] as const;

export function chooseProtocol({ protocols }: { protocols: readonly string[] }): string | undefined {
  for (const protocol of SERVED_PROTOCOLS) if (protocols.includes(protocol)) return protocol;
  return undefined;
}
