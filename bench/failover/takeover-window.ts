/**
 * One kill's messages and pushes, matched (pure). Every message of the cycle was sent to an
 * offline receiver with push enabled, so it should give exactly one push to that receiver's
 * device. The pushes carry no message text (the servers' privacy defaults), so a push is matched
 * to the last message its device was sent before the push arrived: the load sends a device its
 * next message only after a push has long arrived (paced-messages.ts).
 */
import type { Sent } from './paced-messages.js';

export interface Pushed {
  device: string;
  /** Date.now() when the APNS simulator received it. */
  at: number;
}

export interface WindowFigures {
  messages: number;
  /** Messages that got no push. */
  lost: number;
  /** Pushes beyond the first for one message. */
  duplicated: number;
  /** ms from the kill to the first push of a message sent after the kill. */
  firstServedMs: number | undefined;
  /** ms from the kill to the sending of the last lost message (negative: sent before the kill). */
  lastLostSentMs: number | undefined;
}

/** `sent` and `pushed` of one cycle, from a settled start to a settled end; `killAt`: Date.now() of the kill. */
export function takeoverWindow(sent: readonly Sent[], pushed: readonly Pushed[], killAt: number): WindowFigures {
  const byDevice = new Map<string, Array<{ at: number; pushes: number; firstPushAt?: number }>>();
  for (const s of sent) {
    const list = byDevice.get(s.device) ?? [];
    list.push({ at: s.at, pushes: 0 });
    byDevice.set(s.device, list);
  }
  for (const p of pushed) {
    // A device's messages are listed in the order they were sent.
    const list = byDevice.get(p.device) ?? [];
    let last = list.length - 1;
    while (last >= 0 && list[last]!.at > p.at) last--;
    const message = list[last];
    if (message === undefined) continue; // not a message of this cycle
    message.pushes++;
    message.firstPushAt ??= p.at;
  }
  const messages = [...byDevice.values()].flat();
  const lost = messages.filter((m) => m.pushes === 0);
  const servedAfter = messages.filter((m) => m.at >= killAt && m.firstPushAt !== undefined).map((m) => m.firstPushAt! - killAt);
  return {
    messages: messages.length,
    lost: lost.length,
    duplicated: messages.reduce((n, m) => n + Math.max(0, m.pushes - 1), 0),
    firstServedMs: servedAfter.length > 0 ? Math.min(...servedAfter) : undefined,
    lastLostSentMs: lost.length > 0 ? Math.max(...lost.map((m) => m.at - killAt)) : undefined,
  };
}
