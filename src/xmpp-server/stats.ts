/** Counters of the XMPP Server role, for metrics and tests (monotonic, never reset). */
export interface XmppServerStats {
  /** Messages handed to a user actor for pushing. */
  messagesQueued: number;
  /** Messages the policy or the recipient's presence ruled out. */
  messagesNotPushed: number;
  /** Messages that could not be read (bad `to`, …) and were skipped. */
  messagesUnreadable: number;
  /** Pushes dropped because the user's mailbox was full (or the role closing). */
  pushesDropped: number;
  /** Messages already pushed (same id) and so not pushed again. */
  duplicatesSkipped: number;
  /** Publishes started (one per message per registration). */
  publishesStarted: number;
  publishesOk: number;
  /** Publishes answered with an error or not answered in time. */
  publishesFailed: number;
  /** Registrations removed because the App Server answered a `cancel` error. */
  registrationsDisabled: number;
  /** `cancel` results that could not reach the actor; the next push to it will see the error again. */
  refusalsUndelivered: number;
  /** User actor handlers that threw (the actor was rebuilt from LMDB). */
  actorCrashes: number;
  /** Push 2.0 notifications sent (each retry counts again). */
  push2Sent: number;
  /** Push 2.0 notifications the push service took (no error). */
  push2Delivered: number;
  /** Push 2.0 notifications refused for good: an error other than `wait`, or `wait` after every retry. */
  push2Failed: number;
  /** `wait` errors retried. */
  push2Retried: number;
  /** Retries dropped: too many waiting, or the role closing. */
  push2RetriesDropped: number;
}

export function newStats(): XmppServerStats {
  return {
    messagesQueued: 0,
    messagesNotPushed: 0,
    messagesUnreadable: 0,
    pushesDropped: 0,
    duplicatesSkipped: 0,
    publishesStarted: 0,
    publishesOk: 0,
    publishesFailed: 0,
    registrationsDisabled: 0,
    refusalsUndelivered: 0,
    actorCrashes: 0,
    push2Sent: 0,
    push2Delivered: 0,
    push2Failed: 0,
    push2Retried: 0,
    push2RetriesDropped: 0,
  };
}

