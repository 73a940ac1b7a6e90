/**
 * The role's outbound boundary: hands a PushPublish to the App Server and reports its answer.
 * In one engine the App Server role implements it directly (no stanza); towards a remote App
 * Server, `StanzaPublisher` sends the XEP-0357 §7 IQ and waits for the reply.
 *
 * An App Server *refusal* is a value (`ok: false` with the stanza error it answered); the role
 * acts on its type: `cancel` disables the registration, anything else keeps it.
 */
import { isHeraldError } from '../core/errors.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { StanzaError } from '../xmpp/stanza-error.js';

export type PublishResult = { ok: true } | { ok: false; error: StanzaError };

export interface Publisher {
  /** Should not reject; a rejection is treated as wait/internal-server-error (registration kept). */
  publish(publish: PushPublish): Promise<PublishResult>;
}

/**
 * The App Server's own answer is kept as is. Failures on our side are `wait`, so that they never
 * disable a healthy registration: a timeout is remote-server-timeout (RFC 6120 §8.3.3.17), too
 * many publishes outstanding is resource-constraint, anything else internal-server-error.
 */
export function asPublishError(e: unknown): StanzaError {
  if (e instanceof StanzaError) return e;
  if (isHeraldError(e, 'HERALD_TIMEOUT')) return new StanzaError('remote-server-timeout', 'wait');
  if (isHeraldError(e, 'HERALD_MAILBOX_FULL')) return new StanzaError('resource-constraint', 'wait');
  return new StanzaError('internal-server-error', 'wait');
}

/**
 * Calls `publisher.publish` at once (so calls keep the caller's order) and settles within
 * `timeoutMs` whatever the publisher does: no answer in time is wait/remote-server-timeout,
 * a rejection or a throw is mapped by `asPublishError`. Never rejects.
 */
export async function publishWithin(
  publisher: Publisher,
  publish: PushPublish,
  timeoutMs: number,
): Promise<PublishResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PublishResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: new StanzaError('remote-server-timeout', 'wait', 'no answer in time') }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([publisher.publish(publish), timeout]);
  } catch (e) {
    return { ok: false, error: asPublishError(e) };
  } finally {
    clearTimeout(timer);
  }
}
