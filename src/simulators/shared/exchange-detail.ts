/**
 * One exchange whole, as a record keeps it when recording (the control API's
 * `GET /deliveries/{id}`): the request as sent, the answer given, and when. Built only while a
 * simulator records: with `record` off (benchmarks) nothing here runs.
 */

/** An answer as written on the wire: status, headers (pseudo-headers apart) and body. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  /** Absent for an empty body (APNS 200). */
  body?: string;
}

export interface RequestDetail {
  method: string;
  path: string;
  /** Every header as sent, names in lower case, duplicates joined with ", "; pseudo-headers apart. */
  headers: Record<string, string>;
  /** The body as received (UTF-8), cut at the simulator's body buffer. */
  body: string;
  /** The body's full size in bytes, whatever was kept of it. */
  bodyBytes: number;
}

export interface ExchangeDetail {
  request: RequestDetail;
  /** The answer decided on; absent for a transport fault (refused, GOAWAY, drop, hang). */
  answer?: WireAnswer;
  /** Simulator clock, ms: when the request's body was read. */
  receivedAt: number;
  /** Simulator clock, ms: when the answer was written (after latency); absent while held or never answered. */
  answeredAt?: number;
}

/** `record` with its exchange, when there is one (a record without stays as it was). */
export function withExchange<R extends object>(record: R, exchange: ExchangeDetail | undefined): R & { exchange?: ExchangeDetail } {
  return exchange === undefined ? record : { ...record, exchange };
}

/** The elision mark in place of a credential's secret part. */
const ELIDED = '…';

/**
 * The request part of an exchange. `rawHeaders` is the header list as sent ([name, value, …]);
 * `body` holds the first bytes of the body (at least `bodyLimit` of them if there were), `size`
 * its full length.
 */
export function requestDetail(
  method: string,
  path: string,
  rawHeaders: readonly string[],
  body: Buffer,
  size: number,
  bodyLimit: number,
): RequestDetail {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (name.startsWith(':')) continue; // :method and :path are given apart; :scheme and :authority are transport
    const value = name === 'authorization' ? elideCredential(rawHeaders[i + 1]!) : rawHeaders[i + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const kept = body.length > bodyLimit ? body.subarray(0, bodyLimit) : body;
  return { method, path, headers, body: kept.toString('utf8'), bodyBytes: size };
}

/**
 * An `authorization` value without its secret: a JWT keeps its header and claims (what a test
 * wants to see: kid, iss, iat) and loses its signature; an opaque token (an OAuth access token)
 * keeps its first characters only. The control API must not hand out credentials: anyone who
 * can read it could otherwise replay a provider token against the simulator, or a real one.
 */
export function elideCredential(value: string): string {
  const space = value.indexOf(' ');
  const scheme = space === -1 ? '' : value.slice(0, space + 1);
  const credential = value.slice(space + 1);
  const parts = credential.split('.');
  if (parts.length === 3) return `${scheme}${parts[0]}.${parts[1]}.${ELIDED}`;
  return `${scheme}${credential.slice(0, OPAQUE_PREFIX_CHARS)}${ELIDED}`;
}

/** Characters of an opaque token shown: enough to tell two tokens apart, far too few to use one. */
const OPAQUE_PREFIX_CHARS = 8;
