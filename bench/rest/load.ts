/**
 * One autocannon run against one target, summarised: the MongooseIM request, C connections,
 * HTTP/1.1 without pipelining (one request in flight per connection, as MongooseIM's HTTP pool
 * sends), for D seconds.
 */
import autocannon from 'autocannon';
import { BODY, HEADERS, PATH } from './notification-request.js';

export interface LoadOptions {
  /** Base URL: http(s)://127.0.0.1:PORT */
  url: string;
  connections: number;
  durationS: number;
}

export interface LoadSummary {
  /** Mean of autocannon's per-second request counts (its "Req/Sec Avg"). */
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  non2xx: number;
  /** 429s (backpressure: Herald's senders were full), counted apart from other non-2xx. */
  tooMany: number;
  /** Connection errors and timeouts. */
  errors: number;
}

/** One request in flight per connection: MongooseIM's pool does not pipeline. */
const PIPELINING = 1;

export async function runLoad(o: LoadOptions): Promise<LoadSummary> {
  const result = await autocannon({
    url: o.url + PATH,
    method: 'POST',
    headers: HEADERS,
    body: BODY,
    connections: o.connections,
    pipelining: PIPELINING,
    duration: o.durationS,
    // The certificate is for localhost; autocannon skips verification of self-signed ones anyway.
    servername: 'localhost',
  });
  const statuses: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = s.count ?? 0;
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses,
    non2xx: result.non2xx,
    tooMany: statuses['429'] ?? 0,
    errors: result.errors + result.timeouts,
  };
}
