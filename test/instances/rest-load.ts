/**
 * REST load through HAProxy while an instance is killed, and what its answers must say: shared by
 * the REST-only test and the whole-deployment failover tests of test/instances/.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { RestAnswer } from '../support/rest-request.js';

export type Answered = RestAnswer & { afterKill: boolean };
export type Outcome = 'pushed' | 'refused by Herald' | 'cut by the kill' | 'no answer';

/** What HAProxy's access log says of a request one instance answered (`option httplog`). */
const SERVED_BY = /herald_rest\/(herald\d) \S+ 200 /g;

/**
 * Sends `requests` notifications, `concurrency` at a time, each to its own device (`token('load', i)`),
 * noting in `answers` (read it as it fills) whether `killIssued()` held when each came.
 */
export async function restLoad(
  post: (device: string) => Promise<RestAnswer>,
  options: { requests: number; concurrency: number; killIssued: () => boolean },
  answers: Map<string, Answered>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.requests) {
        const device = token('load', next++);
        const answer = await post(device);
        answers.set(device, { ...answer, afterKill: options.killIssued() });
      }
    }),
  );
}

/**
 * The REST verdict of a kill under load, from the answers and the device tokens the provider
 * received: every request answered; no device pushed twice; every 200 pushed exactly once; no
 * request Herald refused was pushed; only requests in flight at the kill cut off (at most
 * `concurrency`). Returns the counts, for the test's diagnostics.
 */
export function assertRestVerdict(answers: Map<string, Answered>, receivedTokens: string[], concurrency: number, context: () => string): string {
  const delivered = deliveries(receivedTokens);
  const of = (kind: Outcome) => [...answers].filter(([, a]) => outcome(a) === kind);
  assert.deepEqual(of('no answer'), [], `every request got an answer\n${context()}`);
  assert.deepEqual([...delivered].filter(([, n]) => n > 1), [], 'no device got a push twice');
  assert.deepEqual(of('pushed').filter(([device]) => delivered.get(device) !== 1), [], 'every 200 was pushed exactly once');
  assert.deepEqual(of('refused by Herald').filter(([device]) => delivered.has(device)), [], 'no request Herald answered with an error was pushed');
  // Requests on the killed instance's connections when it died: HAProxy cannot know whether they
  // were pushed (some were: the provider had answered, the instance had not yet), so it says
  // neither 200 nor a definite error. It must say so only for those, and never retry them.
  const cut = of('cut by the kill');
  assert.deepEqual(cut.filter(([, a]) => !a.afterKill), [], 'only the kill cuts requests off');
  assert.ok(cut.length <= concurrency, `at most the requests in flight at the kill were cut off: ${cut.length}`);
  return `${of('pushed').length} answered 200, ${of('refused by Herald').length} refused by Herald, ${cut.length} cut by the kill (${cut.filter(([device]) => delivered.has(device)).length} of them pushed)`;
}

/**
 * What an answer through HAProxy says. Herald's own errors carry a JSON reason (definite: not
 * pushed). HAProxy answers a request whose instance died under it with RST_STREAM REFUSED_STREAM
 * (its h2 frontend's "retry me" for a server that closed before answering; it does not log it)
 * or a 502/503/504 page: the outcome is unknown.
 */
export function outcome(answer: RestAnswer): Outcome {
  if (answer.status === 200) return 'pushed';
  if (answer.status === 'stream error') return answer.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM ? 'cut by the kill' : 'no answer';
  if (answer.status === 'no answer') return 'no answer';
  if (isReason(answer.body)) return 'refused by Herald';
  return [502, 503, 504].includes(answer.status) ? 'cut by the kill' : 'no answer';
}

function isReason(body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { reason?: unknown }).reason === 'string';
  } catch {
    return false;
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
