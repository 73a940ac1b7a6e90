/**
 * REST load through HAProxy while an instance is killed, and what its answers must say: shared by
 * the REST-only test and the whole-deployment failover tests of test/instances/.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { eventually } from '../support/eventually.js';
import type { RestAnswer } from '../support/rest-request.js';

export type Answered = RestAnswer & {
  /** The kill had been issued when the first attempt was answered. */
  afterKill: boolean;
  /** Attempts with the request's Idempotency-Key: 1 unless the kill cut it off (or it was in flight elsewhere). */
  attempts: number;
  /** An attempt was cut off by the kill (REFUSED_STREAM or HAProxy's 502-504), and the request sent again. */
  cut: boolean;
};
export type Outcome = 'pushed' | 'refused by Herald' | 'outcome unknown' | 'in flight' | 'cut by the kill' | 'no answer';

/** What HAProxy's access log says of a request one instance answered (`option httplog`). */
const SERVED_BY = /herald_rest\/(herald\d) \S+ 200 /g;

/**
 * A client retrying as RFC 9113 §8.7 allows (REFUSED_STREAM: "not processed") and as the
 * Idempotency-Key makes safe: a request cut off by the kill, or answered 409 (its key in flight at
 * another instance), is sent again with the same key for at most this long. The deployment's
 * rest.idempotency.lease_ms (DEPLOYMENT_IDEMPOTENCY) is well within it, so a claim the killed
 * instance left unanswered ends as outcome_unknown before the client gives up.
 */
const RETRY_FOR_MS = 60_000;
/** Between two sends of a cut-off or in-flight request: HAProxy needs a moment to take the dead server out. */
const RETRY_EVERY_MS = 100;

/**
 * `[rest]` and `[apns]` keys for a deployment under this load: a short lease, so that a claim the
 * killed instance left unanswered is known abandoned within seconds. The lease must exceed the
 * longest a request can take (checked at start), so the body timeout and the APNS retry hold are
 * shortened with it: 2 000 + (1 + 1) × 5 000 + 1 000 = 13 000 ms < 14 000.
 */
export const DEPLOYMENT_IDEMPOTENCY = {
  rest: { body_timeout_ms: 2_000, idempotency: '{ lease_ms = 14000 }' },
  apns: { retry_attempts: 1, retry_after_max_ms: 1_000 },
} as const;

/**
 * Sends `requests` notifications, `concurrency` at a time, each to its own device (`token('load', i)`)
 * with its own Idempotency-Key, noting in `answers` (read it as it fills) whether `killIssued()`
 * held when each came. A request cut off by the kill, or in flight at another instance, is sent
 * again with its key until Herald answers it.
 */
export async function restLoad(
  post: (device: string, key: string) => Promise<RestAnswer>,
  options: { requests: number; concurrency: number; killIssued: () => boolean },
  answers: Map<string, Answered>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.requests) {
        const i = next++;
        const device = token('load', i);
        const key = `load-${i}`;
        let answer = await post(device, key);
        const afterKill = options.killIssued();
        let attempts = 1;
        let cut = false;
        const unsettled = () => ['cut by the kill', 'in flight'].includes(outcome(answer));
        // Sent again with its key until Herald answers it: the wait fails the test if it never does.
        await eventually(
          async () => {
            if (!unsettled()) return true;
            cut ||= outcome(answer) === 'cut by the kill';
            answer = await post(device, key);
            attempts++;
            return !unsettled();
          },
          `a Herald answer for ${key} sent again with its Idempotency-Key`,
          RETRY_FOR_MS,
          RETRY_EVERY_MS,
        );
        answers.set(device, { ...answer, afterKill, attempts, cut });
      }
    }),
  );
}

/**
 * The REST verdict of a kill under load, from the answers and the device tokens the provider
 * received: every request ended with a Herald answer (those the kill cut off were sent again with
 * their key); no device pushed twice; every 200 pushed exactly once; no request Herald refused
 * was pushed, but for outcome_unknown (its instance died between claim and answer), which only a
 * request cut off by the kill may get; only requests in flight at the kill cut off (at most
 * `concurrency`). Returns the counts, for the test's diagnostics.
 */
export function assertRestVerdict(answers: Map<string, Answered>, receivedTokens: string[], concurrency: number, context: () => string): string {
  const delivered = deliveries(receivedTokens);
  const of = (kind: Outcome) => [...answers].filter(([, a]) => outcome(a) === kind);
  assert.deepEqual([...of('no answer'), ...of('cut by the kill'), ...of('in flight')], [], `every request ended with a Herald answer\n${context()}`);
  assert.deepEqual([...delivered].filter(([, n]) => n > 1), [], 'no device got a push twice');
  assert.deepEqual(of('pushed').filter(([device]) => delivered.get(device) !== 1), [], 'every 200 was pushed exactly once');
  assert.deepEqual(of('refused by Herald').filter(([device]) => delivered.has(device)), [], 'no request Herald answered with an error was pushed');
  // Requests on the killed instance's connections when it died: HAProxy cannot know whether they
  // were pushed (some were: the provider had answered, the instance had not yet), so it says
  // neither 200 nor a definite error. Only those may be cut off, and sent again; only their keys
  // can have been left claimed without an answer.
  const cut = [...answers].filter(([, a]) => a.cut);
  assert.deepEqual(cut.filter(([, a]) => !a.afterKill), [], 'only the kill cuts requests off');
  assert.ok(cut.length <= concurrency, `at most the requests in flight at the kill were cut off: ${cut.length}`);
  const unknown = of('outcome unknown');
  assert.deepEqual(unknown.filter(([, a]) => !a.cut), [], 'only a request the kill cut off may end with outcome_unknown');
  const cutPushed = cut.filter(([, a]) => outcome(a) === 'pushed');
  return (
    `${of('pushed').length} answered 200, ${of('refused by Herald').length} refused by Herald; ${cut.length} cut by the kill and sent again: ` +
    `${cutPushed.filter(([, a]) => a.replayed).length} replayed 200, ${cutPushed.filter(([, a]) => !a.replayed).length} pushed by the survivor, ` +
    `${unknown.length} outcome_unknown (${unknown.filter(([device]) => delivered.has(device)).length} of them pushed once)`
  );
}

/**
 * What an answer through HAProxy says. Herald's own errors carry a JSON reason (definite: not
 * pushed), but for 409 idempotency_key_in_flight (ask again) and 500 outcome_unknown (the
 * instance that claimed the key died before answering: maybe pushed, never again). HAProxy
 * answers a request whose instance died under it with RST_STREAM REFUSED_STREAM (its h2
 * frontend's "retry me" for a server that closed before answering; it does not log it) or a
 * 502/503/504 page: the outcome is unknown, and the client sends it again with its key.
 */
export function outcome(answer: RestAnswer): Outcome {
  if (answer.status === 200) return 'pushed';
  if (answer.status === 'stream error') return answer.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM ? 'cut by the kill' : 'no answer';
  if (answer.status === 'no answer') return 'no answer';
  const reason = reasonOf(answer.body);
  if (reason === 'idempotency_key_in_flight') return 'in flight';
  if (reason === 'outcome_unknown') return 'outcome unknown';
  if (reason !== undefined) return 'refused by Herald';
  return [502, 503, 504].includes(answer.status) ? 'cut by the kill' : 'no answer';
}

function reasonOf(body: string): string | undefined {
  try {
    const reason = (JSON.parse(body) as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

/** A distinct well-formed device token (64 hex digits) per phase and index. */
export function token(phase: 'warm' | 'load' | 'after', i: number): string {
  const prefix = { warm: 'a', load: 'b', after: 'c' }[phase];
  return prefix + i.toString(16).padStart(63, '0');
}

/** How many 200s each instance answered, by HAProxy's access log. */
export function servedBy(log: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [, server] of log.matchAll(SERVED_BY)) counts.set(server!, (counts.get(server!) ?? 0) + 1);
  return counts;
}

export function deliveries(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** PEM text as OpenSSL (HAProxy) reads it in a file: each block ends its line. */
export function pem(text: string): string {
  return `${text.trimEnd()}\n`;
}
