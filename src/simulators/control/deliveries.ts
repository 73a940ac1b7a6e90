/**
 * The deliveries the control API lists: every request a simulator kept a record of (accepted,
 * rejected or faulted), under its record id, newest first. Built from the recorders' lists on
 * each request, so memory stays within their record limit.
 */
import type { ApnsSimulator } from '../apns/index.js';
import type { ReceivedNotification, RejectedNotification } from '../apns/recorder.js';
import type { FcmSimulator } from '../fcm/index.js';
import type { ReceivedMessage, RejectedMessage } from '../fcm/recorder.js';
import type { RecordEvent } from '../shared/recorder.js';

export type Service = 'apns' | 'fcm';

export interface Delivery {
  id: number;
  service: Service;
  device: string;
  /** APNS: the topic; FCM: the message's topic target, if any. */
  topic?: string;
  outcome: 'accepted' | 'rejected' | 'faulted';
  /** Simulator clock, ms. */
  receivedAt: number;
  /** APNS: the apns-* headers sent. */
  headers?: Record<string, string>;
  payload?: unknown;
  /** The answer given: HTTP status and reason (APNS reason, FCM error code), or the transport fault. */
  answer: { status?: number; reason?: string; fault?: string };
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
}

/** Every kept record of the running simulators as a delivery, in no particular order. */
export function allDeliveries(sims: Simulators): Delivery[] {
  const all: Delivery[] = [];
  const { apns, fcm } = sims;
  if (apns) {
    for (const record of apns.received) all.push(apnsDelivery(apns, { outcome: 'accepted', record }));
    for (const record of apns.rejected) all.push(apnsDelivery(apns, { outcome: 'rejected', record }));
    for (const record of apns.faulted) all.push(apnsDelivery(apns, { outcome: 'faulted', record }));
  }
  if (fcm) {
    for (const record of fcm.received) all.push(fcmDelivery(fcm, { outcome: 'accepted', record }));
    for (const record of fcm.rejected) all.push(fcmDelivery(fcm, { outcome: 'rejected', record }));
    for (const record of fcm.faulted) all.push(fcmDelivery(fcm, { outcome: 'faulted', record }));
  }
  return all;
}

export type ApnsRecord = RecordEvent<ReceivedNotification, RejectedNotification>;
export type FcmRecord = RecordEvent<ReceivedMessage, RejectedMessage>;

/** One APNS record as a delivery. */
export function apnsDelivery(apns: ApnsSimulator, event: ApnsRecord): Delivery {
  const id = apns.recordId(event.record) ?? 0;
  const { receivedAt, token: device } = event.record;
  switch (event.outcome) {
    case 'accepted': {
      const r = event.record;
      return { id, service: 'apns', device, topic: r.topic, outcome: 'accepted', receivedAt, headers: { ...r.headers }, payload: r.payload, answer: { status: 200 } };
    }
    case 'rejected':
      return { id, service: 'apns', device, outcome: 'rejected', receivedAt, answer: { status: event.record.status, reason: event.record.reason } };
    case 'faulted':
      return { id, service: 'apns', device, outcome: 'faulted', receivedAt, answer: { fault: event.record.fault } };
  }
}

/** One FCM record as a delivery. */
export function fcmDelivery(fcm: FcmSimulator, event: FcmRecord): Delivery {
  const id = fcm.recordId(event.record) ?? 0;
  const { receivedAt, token: device } = event.record;
  switch (event.outcome) {
    case 'accepted': {
      const topic = (event.record.message as { topic?: unknown } | null)?.topic;
      return { id, service: 'fcm', device, ...(typeof topic === 'string' ? { topic } : {}), outcome: 'accepted', receivedAt, payload: event.record.message, answer: { status: 200 } };
    }
    case 'rejected':
      return { id, service: 'fcm', device, outcome: 'rejected', receivedAt, answer: { status: event.record.status, reason: event.record.code } };
    case 'faulted':
      return { id, service: 'fcm', device, outcome: 'faulted', receivedAt, answer: { fault: event.record.fault } };
  }
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
