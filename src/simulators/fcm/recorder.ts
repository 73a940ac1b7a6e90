/**
 * What the FCM simulator records of each send (the recorder itself is ../shared/recorder.ts).
 */
import type { ExchangeDetail } from '../shared/exchange-detail.js';
import type { RecordKind, SimulatorCounts } from '../shared/recorder.js';

export interface ReceivedMessage {
  /** `message.token`; '' for a topic or condition target (accept-all: '' when absent). */
  token: string;
  /** The parsed `message` (accept-all: the parsed body's message, the body, or its text). */
  message: unknown;
  /** The `name` answered: projects/<id>/messages/<id>. */
  name: string;
  /** Simulator clock, ms. */
  receivedAt: number;
  /** The exchange whole (request, answer, timings); recording only. */
  exchange?: ExchangeDetail;
}

export interface RejectedMessage {
  token: string;
  status: number;
  /** The FcmError code, or the google.rpc status when no FcmError detail was sent (401). */
  code: string;
  message: string;
  receivedAt: number;
  /** The exchange whole (request, answer, timings); recording only. */
  exchange?: ExchangeDetail;
}

export interface FcmSimulatorStats extends SimulatorCounts {
  /** validate_only requests that passed (answered, not delivered, not in `received`). */
  validated: number;
  rejectedByCode: Record<string, number>;
  tokensIssued: number;
  /** Token requests answered invalid_grant. */
  grantsRefused: number;
}

export const FCM_RECORDS: RecordKind<RejectedMessage> = { name: 'FCM simulator', noun: 'messages', reasonOf: (r) => r.code };
