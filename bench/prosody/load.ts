/**
 * The senders' load: chat messages to the offline receivers, round robin over senders and
 * receivers, each message's body carrying its sequence number. The window bounds the messages in
 * flight end to end (sent, no push for it received by APNS yet), like a closed-loop load
 * generator: the rate found is what the whole path sustains, not what Prosody buffers.
 *
 * Prosody's own pace is read from XEP-0198: every sender asks for an ack (<r/>) every
 * ACK_REQUEST_INTERVAL_MS, and `h` in the answer counts the stanzas Prosody has handled (§4).
 */
import type { EventEmitter } from 'node:events';
import type { Client } from '@xmpp/client';
import xml, { type Element } from '@xmpp/xml';
import type { ApnsSimulator } from '../../src/simulators/apns/index.js';
import { receiverJid } from './accounts.js';

const NS_SM = 'urn:xmpp:sm:3';
/** ms between ack requests: fine enough to count Prosody's acks within a window of seconds. */
const ACK_REQUEST_INTERVAL_MS = 100;
/** ms without a single push while messages are in flight before the load gives up (a stall, reported). */
export const STALL_TIMEOUT_MS = 10_000;

export const messageBody = (seq: number): string => `bench message ${seq}`;
const BODY_SEQ = /bench message (\d+)/;
/** The sequence number of the message a push stands for, read from the APNS payload's alert body. */
export function seqOfPayload(payload: unknown): number | undefined {
  const m = BODY_SEQ.exec(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return m ? Number(m[1]) : undefined;
}

/** ms between looks at the simulator's counter (its waitForReceived copies the records on every wake: O(n) a push). */
const POLL_MS = 1;

/** Resolves true once APNS has received more than `count` pushes, false after STALL_TIMEOUT_MS without. */
export async function pushesPast(o: Pick<LoadOptions, 'sim' | 'now'>, count: number): Promise<boolean> {
  const giveUp = o.now() + STALL_TIMEOUT_MS;
  while (o.sim.stats.accepted <= count) {
    if (o.now() > giveUp) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}

export interface LoadOptions {
  senders: readonly Client[];
  receivers: number;
  /** Messages in flight end to end at most. */
  window: number;
  /** The load stops sending after this many ms… */
  durationMs: number;
  /** …or after this many messages, when > 0. */
  total: number;
  sim: ApnsSimulator;
  /** The simulator's clock (its `receivedAt`), so send and receipt times compare. */
  now: () => number;
}

export interface LoadResult {
  /** Send time of message `seq`, on `now`'s clock. */
  sentAt: number[];
  /** From the first send to the last send (time-bound) or to the last push (fixed count), ms. */
  elapsedMs: number;
  /** Pushes APNS had received when the measurement ended. */
  pushed: number;
  /** Messages Prosody had acknowledged (XEP-0198) when the measurement ended. */
  acked: number;
  /** Sends that failed on the client (the socket was gone). */
  sendErrors: string[];
  /** Set when no push arrived for STALL_TIMEOUT_MS while messages were in flight. */
  stalled: boolean;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const sentAt: number[] = [];
  const sendErrors: string[] = [];
  let acked = 0;
  const onAck = (stanza: Element): void => {
    if (stanza.name === 'message') acked++;
  };
  for (const c of o.senders) (c.streamManagement as unknown as EventEmitter).on('ack', onAck);
  const askForAcks = setInterval(() => {
    for (const c of o.senders) c.send(xml('r', { xmlns: NS_SM })).catch(() => {});
  }, ACK_REQUEST_INTERVAL_MS);

  const pushedSoFar = (): number => o.sim.stats.accepted;
  const t0 = o.now();
  const deadline = t0 + o.durationMs;
  const done = (): boolean => (o.total > 0 ? sentAt.length >= o.total : o.now() >= deadline);
  let stalled = false;
  try {
    for (;;) {
      for (let inFlight = sentAt.length - pushedSoFar(); inFlight < o.window && !done(); inFlight++) {
        const seq = sentAt.length;
        const sender = o.senders[seq % o.senders.length]!;
        sentAt.push(o.now());
        sender
          .send(xml('message', { type: 'chat', to: receiverJid(seq % o.receivers), id: `m${seq}` }, xml('body', {}, messageBody(seq))))
          .catch((e: unknown) => sendErrors.push(`message ${seq}: ${(e as Error).message}`));
      }
      if (done()) break;
      if (!(await pushesPast(o, pushedSoFar()))) {
        stalled = true;
        break;
      }
    }
    const sendEnd = o.now();
    if (o.total === 0) return { sentAt, elapsedMs: sendEnd - t0, pushed: pushedSoFar(), acked, sendErrors, stalled };
    // A fixed count is measured to its last push (the drain is part of it).
    while (!stalled && pushedSoFar() < sentAt.length) stalled = !(await pushesPast(o, pushedSoFar()));
    return { sentAt, elapsedMs: o.now() - t0, pushed: pushedSoFar(), acked, sendErrors, stalled };
  } finally {
    clearInterval(askForAcks);
  }
}
