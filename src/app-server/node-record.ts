/**
 * A push node's record as the App Server keeps it, whatever store holds it (node-backend.ts):
 * LMDB stores it msgpack-encoded, PostgreSQL as jsonb.
 */
import type { PushMode, PushServiceName } from '../push-service/notification.js';

/** XEP-0060 §4.1 affiliations a push node knows; `none` is the absence of an entry. */
export type NodeAffiliation = 'owner' | 'publisher' | 'publish-only';

/** XEP-0060 §16.4.3 `pubsub#publish_model` values a push node takes (it has no subscribers). */
export type PublishModel = 'publishers' | 'open';

/** The device a node was registered for by an ad-hoc command; its publishes need no device_id. */
export interface RegisteredDevice {
  service: PushServiceName;
  token: string;
  mode?: PushMode;
  topic?: string;
  /** Web Push (register-push-webpush): the subscription's keys, base64url; `token` is its endpoint. */
  keys?: { p256dh: string; auth: string };
}

/** The publish model of a record; records from before node configuration are `publishers`. */
export function publishModelOf(record: PushNodeRecord): PublishModel {
  return record.publishModel ?? 'publishers';
}

export interface PushNodeRecord {
  /** Bare JID of the creator (XEP-0060 §8.1: the creator is the owner). */
  owner: string;
  type: 'push';
  /** Creation time, ms since the epoch. */
  createdAt: number;
  /** Bare JID → affiliation; always holds the owner. */
  affiliations: Record<string, NodeAffiliation>;
  /** Absent in records written before node configuration existed: `publishers`. */
  publishModel?: PublishModel;
  /** XEP-0357 §8 credential a publish may carry in its publish-options (register commands set it). */
  secret?: string;
  /** Set by the register commands (XEP-0050). */
  device?: RegisteredDevice;
}

/**
 * Whether two records hold the same values, as jsonb equality decides it for PostgreSQL: key
 * order does not matter, and a field set to undefined is the same as an absent one (JSON has no
 * undefined: a record written with one reads back without it).
 */
export function sameRecord(a: PushNodeRecord | undefined, b: PushNodeRecord): boolean {
  return a !== undefined && canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : field,
  );
}
