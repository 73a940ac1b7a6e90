/**
 * What the APNS simulator records of each request (the recorder itself is ../shared/recorder.ts).
 */
import type { IncomingHttpHeaders } from 'node:http2';
import type { ExchangeDetail } from '../shared/exchange-detail.js';
import type { RecordKind, SimulatorCounts } from '../shared/recorder.js';
import type { Rejection } from './reasons.js';

/** The apns-* request headers as sent (absent ones are left out). */
export interface ApnsRequestHeaders {
  'apns-topic'?: string;
  'apns-push-type'?: string;
  'apns-priority'?: string;
  'apns-expiration'?: string;
  'apns-id'?: string;
  'apns-collapse-id'?: string;
}

export interface ReceivedNotification {
  token: string;
  headers: ApnsRequestHeaders;
  /** The topic the notification went to: apns-topic, or a single-topic certificate's topic. */
  topic: string;
  /** The apns-id answered: the one sent, or a generated UUID. */
  apnsId: string;
  /** The parsed JSON payload (accept-all mode: the parsed body, or its text if not JSON). */
  payload: unknown;
  /** Simulator clock, ms. */
  receivedAt: number;
  /** The exchange whole (request, answer, timings); recording only. */
  exchange?: ExchangeDetail;
}

export interface RejectedNotification extends Rejection {
  /** Empty when the path named no device. */
  token: string;
  apnsId: string;
  receivedAt: number;
  /** The exchange whole (request, answer, timings); recording only. */
  exchange?: ExchangeDetail;
}

export interface ApnsSimulatorStats extends SimulatorCounts {
  rejectedByReason: Record<string, number>;
  /** Distinct JWT strings verified. */
  jwtsSeen: number;
}

export const APNS_RECORDS: RecordKind<RejectedNotification> = {
  name: 'APNS simulator',
  noun: 'notifications',
  reasonOf: (r) => r.reason,
  // Hex device tokens: case does not matter.
  normalise: (token) => token.toLowerCase(),
};

const APNS_HEADERS = [
  'apns-topic',
  'apns-push-type',
  'apns-priority',
  'apns-expiration',
  'apns-id',
  'apns-collapse-id',
] as const;

/** The apns-* headers of a request, for its record. */
export function apnsHeaders(headers: IncomingHttpHeaders): ApnsRequestHeaders {
  const picked: ApnsRequestHeaders = {};
  for (const name of APNS_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

/** Accept-all: the body is recorded as parsed JSON when it is JSON, as text otherwise. */
export function looseBody(body: Buffer, record: boolean): { ok: true; payload: unknown } {
  if (!record) return { ok: true, payload: undefined };
  const text = body.toString('utf8');
  try {
    return { ok: true, payload: JSON.parse(text) };
  } catch {
    return { ok: true, payload: text };
  }
}
