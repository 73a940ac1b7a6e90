/**
 * The deliveries the control API lists: every request a simulator kept a record of (accepted,
 * rejected or faulted), under its record id, newest first. Built from the recorders' lists on
 * each request, so memory stays within their record limit.
 */
import type { ApnsSimulator } from '../apns/index.js';
import type { FcmSimulator } from '../fcm/index.js';

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

export function allDeliveries(sims: Simulators): Delivery[] {
  const all: Delivery[] = [];
  const { apns, fcm } = sims;
  if (apns) {
    const id = (r: object): number => apns.recordId(r) ?? 0;
    for (const r of apns.received) {
      all.push({ id: id(r), service: 'apns', device: r.token, topic: r.topic, outcome: 'accepted', receivedAt: r.receivedAt, headers: { ...r.headers }, payload: r.payload, answer: { status: 200 } });
    }
    for (const r of apns.rejected) {
      all.push({ id: id(r), service: 'apns', device: r.token, outcome: 'rejected', receivedAt: r.receivedAt, answer: { status: r.status, reason: r.reason } });
    }
    for (const r of apns.faulted) {
      all.push({ id: id(r), service: 'apns', device: r.token, outcome: 'faulted', receivedAt: r.receivedAt, answer: { fault: r.fault } });
    }
  }
  if (fcm) {
    const id = (r: object): number => fcm.recordId(r) ?? 0;
    for (const r of fcm.received) {
      const topic = (r.message as { topic?: unknown } | null)?.topic;
      all.push({ id: id(r), service: 'fcm', device: r.token, ...(typeof topic === 'string' ? { topic } : {}), outcome: 'accepted', receivedAt: r.receivedAt, payload: r.message, answer: { status: 200 } });
    }
    for (const r of fcm.rejected) {
      all.push({ id: id(r), service: 'fcm', device: r.token, outcome: 'rejected', receivedAt: r.receivedAt, answer: { status: r.status, reason: r.code } });
    }
    for (const r of fcm.faulted) {
      all.push({ id: id(r), service: 'fcm', device: r.token, outcome: 'faulted', receivedAt: r.receivedAt, answer: { fault: r.fault } });
    }
  }
  return all;
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
