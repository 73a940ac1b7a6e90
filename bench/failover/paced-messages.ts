/**
 * The load the kills happen under: one sender sends chat messages to the offline receivers in
 * turn, at a steady rate, each one's time recorded. A receiver gets a message every
 * `receivers / ratePerS` seconds, longer than a push takes, so each push can be told to belong to
 * the last message its receiver was sent before it (takeover-window.ts).
 */
import type { Client } from '@xmpp/client';
import { sendChat } from '../../test/interop/xmpp-clients.js';
import { receiverJid, receiverToken } from '../prosody/accounts.js';

export interface Sent {
  /** The receiver's APNS device token. */
  device: string;
  /** Date.now() when it was handed to the sender's socket. */
  at: number;
}

export class PacedMessages {
  readonly sent: Sent[] = [];
  private running: Promise<void> | undefined;
  private stopping = false;
  private next = 0;

  constructor(
    private readonly sender: Client,
    private readonly receivers: number,
    private readonly ratePerS: number,
  ) {}

  /** Sends until pause(). */
  start(): void {
    this.stopping = false;
    this.running = this.run();
  }

  /** Resolves once the last message is sent. */
  async pause(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async run(): Promise<void> {
    const t0 = performance.now();
    for (let n = 0; !this.stopping; n++) {
      const i = this.next++ % this.receivers;
      this.sent.push({ device: receiverToken(i), at: Date.now() });
      await sendChat(this.sender, receiverJid(i), `failover message ${this.sent.length}`);
      // Paced from the start, so a slow send does not lower the rate.
      const due = t0 + ((n + 1) * 1000) / this.ratePerS - performance.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    }
  }
}
