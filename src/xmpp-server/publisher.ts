/**
 * The role's outbound boundary: hands a PushPublish to the App Server and reports its answer.
 * In one engine the App Server role implements it directly (no stanza); towards a remote App
 * Server, `StanzaPublisher` sends the XEP-0357 §7 IQ and waits for the reply.
 *
 * An App Server *refusal* is a value (`ok: false` with the stanza error it answered); the role
 * acts on its type: `cancel` disables the registration, anything else keeps it.
 */
import { HeraldError } from '../core/errors.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { toStanzaError, type StanzaError } from '../xmpp/stanza-error.js';

export type PublishResult = { ok: true } | { ok: false; error: StanzaError };

export interface Publisher {
  /** Should not reject; a rejection is treated as wait/internal-server-error (registration kept). */
  publish(publish: PushPublish): Promise<PublishResult>;
}

/**
 * Calls `publisher.publish` at once (so calls keep the caller's order) and settles within
 * `timeoutMs` whatever the publisher does: no answer in time is wait/remote-server-timeout,
 * a rejection or a throw is mapped by `toStanzaError` (core/errors.ts: the codes a publish
 * can throw are all `wait`, so that our failure never disables a healthy registration). Never rejects.
 */
export function publishWithin(publisher: Publisher, publish: PushPublish, timeoutMs: number): Promise<PublishResult> {
  return answerWithin(() => publisher.publish(publish), timeoutMs);
}

/** `publishWithin` for any call answering a PublishResult (a Push 2.0 notification too). */
export async function answerWithin(call: () => Promise<PublishResult>, timeoutMs: number): Promise<PublishResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PublishResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: toStanzaError(new HeraldError('HERALD_TIMEOUT')) }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call(), timeout]);
  } catch (e) {
    return { ok: false, error: toStanzaError(e) };
  } finally {
    clearTimeout(timer);
  }
}
