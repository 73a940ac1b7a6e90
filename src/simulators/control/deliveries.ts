/**
 * The deliveries the control API lists: every request a simulator kept a record of (accepted,
 * rejected or faulted), under its record id, newest first. Built from the recorders' lists on
 * each request, so memory stays within their record limit.
 */
import type { ApnsSimulator } from '../apns/index.js';
import type { ReceivedNotification, RejectedNotification } from '../apns/recorder.js';
import type { FcmSimulator } from '../fcm/index.js';
import type { ReceivedMessage, RejectedMessage } from '../fcm/recorder.js';
import type { ExchangeDetail, WireAnswer } from '../shared/exchange-detail.js';
import type { RecordEvent } from '../shared/recorder.js';
import type { Simulator } from '../shared/simulator.js';
import type { WebPushSimulator } from '../webpush/index.js';
import type { ReceivedPush, RejectedPush } from '../webpush/recorder.js';
import { PUSH_PATH_PREFIX } from '../webpush/subscriptions.js';

/** The services the control API names, one a simulator. */
export const SERVICES = ['apns', 'fcm', 'webpush'] as const;
export type Service = (typeof SERVICES)[number];

export interface Delivery {
  id: number;
  service: Service;
  /** APNS, FCM: the device token; Web Push: the subscription id (the endpoint's last segment). */
  device: string;
  /** Web Push: the subscription's endpoint URL, as the application server was handed it. */
  endpoint?: string;
  /** APNS: the topic; FCM: the message's topic target, if any; Web Push: the Topic header (RFC 8030 §5.4). */
  topic?: string;
  outcome: 'accepted' | 'rejected' | 'faulted';
  /** Simulator clock, ms: when the request's body was read. */
  receivedAt: number;
  /** APNS: the apns-* headers sent; Web Push: ttl, urgency, topic as sent (RFC 8030 §5.2-5.4). */
  headers?: Record<string, string>;
  /**
   * The payload, parsed (APNS: the notification JSON; FCM: the body's `message`; Web Push: the
   * decrypted plaintext); text when not JSON.
   */
  payload?: unknown;
  /** The answer given: HTTP status and reason (APNS reason, FCM error code), or the transport fault. */
  answer: { status?: number; reason?: string; fault?: string };
  /**
   * The request as sent (while the simulator records): method, path, every header (the
   * authorization's secret part elided), body size; `body`, the text as received, only in a
   * whole delivery (`GET /deliveries/{id}`), not in lists.
   */
  request?: { method: string; path: string; headers: Record<string, string>; bodyBytes: number; body?: string };
  /** Whole delivery only: the payload pretty-printed (2-space indent), or the body's text when it is not JSON. */
  payloadText?: string;
  /** The answer as written: status, headers, body (APNS `{reason[, timestamp]}`; FCM google.rpc error or `{name}`). Absent for a transport fault. */
  response?: WireAnswer;
  /** Simulator clock, ms: when the answer went out (after latency); absent while held or never answered. */
  answeredAt?: number;
  /** answeredAt - receivedAt. */
  durationMs?: number;
}

export interface DeliveryFilter {
  service?: Service;
  device?: string;
  topic?: string;
  /** Only deliveries received at or after this time, ms. */
  since?: number;
  /** Cursor: only ids below this one. */
  before?: number;
}

export interface Simulators {
  apns?: ApnsSimulator;
  fcm?: FcmSimulator;
  webpush?: WebPushSimulator;
}

/** Every kept record of the running simulators as a (list) delivery, in no particular order. */
export function allDeliveries(sims: Simulators): Delivery[] {
  const all: Delivery[] = [];
  if (sims.apns) for (const event of apnsRecords(sims.apns)) all.push(apnsDelivery(sims.apns, event));
  if (sims.fcm) for (const event of fcmRecords(sims.fcm)) all.push(fcmDelivery(sims.fcm, event));
  if (sims.webpush) for (const event of webPushRecords(sims.webpush)) all.push(webPushDelivery(sims.webpush, event));
  return all;
}

/** The delivery with this id, whole (request body, payloadText); undefined when no record has it. */
export function findDelivery(sims: Simulators, id: number): Delivery | undefined {
  const { apns, fcm, webpush } = sims;
  if (apns) for (const event of apnsRecords(apns)) if (apns.recordId(event.record) === id) return apnsDelivery(apns, event, true);
  if (fcm) for (const event of fcmRecords(fcm)) if (fcm.recordId(event.record) === id) return fcmDelivery(fcm, event, true);
  if (webpush) for (const event of webPushRecords(webpush)) if (webpush.recordId(event.record) === id) return webPushDelivery(webpush, event, true);
  return undefined;
}

export type ApnsRecord = RecordEvent<ReceivedNotification, RejectedNotification>;
export type FcmRecord = RecordEvent<ReceivedMessage, RejectedMessage>;
export type WebPushRecord = RecordEvent<ReceivedPush, RejectedPush>;

const apnsRecords = (apns: ApnsSimulator): Iterable<ApnsRecord> => records(apns);
const fcmRecords = (fcm: FcmSimulator): Iterable<FcmRecord> => records(fcm);
const webPushRecords = (webpush: WebPushSimulator): Iterable<WebPushRecord> => records(webpush);

/** Every kept record of one simulator, accepted, rejected and faulted. */
function* records<A, R>(sim: Pick<Simulator<A, R>, 'received' | 'rejected' | 'faulted'>): Iterable<RecordEvent<A, R>> {
  for (const record of sim.received) yield { outcome: 'accepted', record };
  for (const record of sim.rejected) yield { outcome: 'rejected', record };
  for (const record of sim.faulted) yield { outcome: 'faulted', record };
}

/** What one service's records say beyond what every record says (id, device, time, exchange). */
interface RecordReading<A, R> {
  service: Service;
  /** Fields of every delivery of this service (Web Push: the endpoint). */
  base?: (device: string) => Partial<Delivery>;
  /** An accepted record's topic, headers, payload and answer. */
  accepted(record: A): Pick<Delivery, 'answer'> & Partial<Delivery>;
  /** A refusal's status and reason (APNS reason, FCM error code, Web Push refusal). */
  refusal(record: R): { status: number; reason: string };
  /** Finds the payload in a refused or faulted request's body; none when the body is ciphertext. */
  payloadOf?: (body: string) => unknown;
}

type Recorded = { token: string; receivedAt: number; exchange?: ExchangeDetail };

/** One record as a delivery; `whole` adds the request body's text and payloadText. */
function deliveryOf<A extends Recorded, R extends Recorded>(sim: Pick<Simulator<A, R>, 'recordId'>, reading: RecordReading<A, R>, event: RecordEvent<A, R>, whole: boolean): Delivery {
  const { receivedAt, token: device, exchange } = event.record;
  const base = { id: sim.recordId(event.record) ?? 0, service: reading.service, device, ...reading.base?.(device), receivedAt };
  switch (event.outcome) {
    case 'accepted':
      return withDetail({ ...base, outcome: 'accepted', ...reading.accepted(event.record) }, exchange, whole);
    case 'rejected':
      return withDetail({ ...base, outcome: 'rejected', answer: reading.refusal(event.record) }, exchange, whole, reading.payloadOf);
    case 'faulted':
      return withDetail({ ...base, outcome: 'faulted', answer: { fault: event.record.fault } }, exchange, whole, reading.payloadOf);
  }
}

const APNS_READING: RecordReading<ReceivedNotification, RejectedNotification> = {
  service: 'apns',
  accepted: (r) => ({ topic: r.topic, headers: { ...r.headers }, payload: r.payload, answer: { status: 200 } }),
  refusal: (r) => ({ status: r.status, reason: r.reason }),
  payloadOf: bodyJson,
};

const FCM_READING: RecordReading<ReceivedMessage, RejectedMessage> = {
  service: 'fcm',
  accepted: (r) => {
    const topic = (r.message as { topic?: unknown } | null)?.topic;
    return { ...(typeof topic === 'string' ? { topic } : {}), payload: r.message, answer: { status: 200 } };
  },
  refusal: (r) => ({ status: r.status, reason: r.code }),
  payloadOf: messageOfBody,
};

export function apnsDelivery(apns: ApnsSimulator, event: ApnsRecord, whole = false): Delivery {
  return deliveryOf(apns, APNS_READING, event, whole);
}

export function fcmDelivery(fcm: FcmSimulator, event: FcmRecord, whole = false): Delivery {
  return deliveryOf(fcm, FCM_READING, event, whole);
}

/**
 * One Web Push record as a delivery. The body is ciphertext: the payload is the plaintext the
 * simulator decrypted (absent for a refused or faulted push, and for one that did not decrypt).
 */
export function webPushDelivery(webpush: WebPushSimulator, event: WebPushRecord, whole = false): Delivery {
  const delivery = deliveryOf(webpush, webPushReading(webpush.url), event, whole);
  if (whole && event.outcome === 'accepted') {
    const { payload } = delivery;
    delivery.payloadText = payload === undefined || typeof payload === 'string' ? (payload ?? '') : JSON.stringify(payload, null, 2);
  }
  return delivery;
}

function webPushReading(url: string): RecordReading<ReceivedPush, RejectedPush> {
  return {
    service: 'webpush',
    base: (device) => ({ endpoint: `${url}${PUSH_PATH_PREFIX}${device}` }),
    accepted: (r) => {
      const headers = { ttl: String(r.ttl), ...(r.urgency !== undefined ? { urgency: r.urgency } : {}), ...(r.topic !== undefined ? { topic: r.topic } : {}) };
      const payload = r.plaintext === undefined ? undefined : plaintextPayload(r.plaintext.toString('utf8'));
      return { ...(r.topic !== undefined ? { topic: r.topic } : {}), headers, ...(payload !== undefined ? { payload } : {}), answer: { status: 201 } };
    },
    refusal: (r) => ({ status: r.status, reason: r.reason }),
  };
}

/** The plaintext parsed when it is JSON (Herald's `{title, body, …}`), else the text; an empty push has none. */
function plaintextPayload(text: string): unknown {
  if (text === '') return undefined;
  const parsed = bodyJson(text);
  return parsed === NOT_JSON ? text : parsed;
}

/** No payload parsed: the body as text is what there is. */
const NOT_JSON = Symbol('not JSON');

/** APNS: the body is the payload. */
function bodyJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** FCM: the payload is the body's `message` (the rest is the envelope: validate_only). */
function messageOfBody(text: string): unknown {
  const parsed = bodyJson(text);
  const message = (parsed as { message?: unknown } | null)?.message;
  return message === undefined ? parsed : message;
}

/**
 * `delivery` with what its record's exchange tells (recording only): the request, the answer as
 * written, timings. `payloadOf` finds the payload in the body when the record kept none
 * (rejected and faulted requests).
 */
function withDetail(delivery: Delivery, exchange: ExchangeDetail | undefined, whole: boolean, payloadOf?: (body: string) => unknown): Delivery {
  if (exchange === undefined) return delivery;
  const { method, path, headers, bodyBytes, body } = exchange.request;
  const d: Delivery = { ...delivery, request: { method, path, headers, bodyBytes, ...(whole ? { body } : {}) } };
  if (payloadOf !== undefined && bodyBytes > 0) {
    const payload = payloadOf(body);
    if (payload !== NOT_JSON) d.payload = payload;
  }
  if (whole) d.payloadText = d.payload === undefined || typeof d.payload === 'string' ? body : JSON.stringify(d.payload, null, 2);
  if (exchange.answer !== undefined) d.response = exchange.answer;
  if (exchange.answeredAt !== undefined) {
    d.answeredAt = exchange.answeredAt;
    d.durationMs = exchange.answeredAt - exchange.receivedAt;
  }
  return d;
}

/** Matching deliveries, newest first, at most `limit`; `next` is the cursor for the page after. */
export function deliveryPage(sims: Simulators, filter: DeliveryFilter, limit: number): { deliveries: Delivery[]; next?: number } {
  const matching = allDeliveries(sims)
    .filter(
      (d) =>
        (filter.service === undefined || d.service === filter.service) &&
        (filter.device === undefined || sameDevice(d, filter.device)) &&
        (filter.topic === undefined || d.topic === filter.topic) &&
        (filter.since === undefined || d.receivedAt >= filter.since) &&
        (filter.before === undefined || d.id < filter.before),
    )
    .sort((a, b) => b.id - a.id);
  const deliveries = matching.slice(0, limit);
  return matching.length > limit ? { deliveries, next: deliveries[deliveries.length - 1]!.id } : { deliveries };
}

/** APNS device tokens are hex, whatever the case of their digits; FCM tokens are case-sensitive. */
function sameDevice(d: Delivery, device: string): boolean {
  return d.service === 'apns' ? d.device.toLowerCase() === device.toLowerCase() : d.device === device;
}
