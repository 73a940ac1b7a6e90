/**
 * Resolved pools for tests that point one pool at a server of their own: the prod pool of a
 * configuration's `[apns]` / `[fcm]` keys, with the endpoint, CA and credentials the test made.
 */
import type { KeyObject } from 'node:crypto';
import type { ApnsConfig, FcmConfig } from '../../../src/core/config/schema.js';
import { ApnsTokenProvider } from '../../../src/push-service/apns/jwt.js';
import type { FcmServiceAccount } from '../../../src/push-service/fcm/oauth.js';
import type { ClientCertificate } from '../../../src/push-service/http2/connection.js';
import { serviceAccountAuth, type ResolvedApnsAuth, type ResolvedApnsPool, type ResolvedFcmPool } from '../../../src/push-service/pools/credentials.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../../../src/push-service/pools/pool-specs.js';

export interface TestApnsPool {
  endpoint: string;
  ca?: string;
  auth: ResolvedApnsAuth;
  /** Sender threads; default 0 (the main thread). */
  threads?: number;
}

export function apnsTestPool(apns: ApnsConfig, o: TestApnsPool): ResolvedApnsPool {
  const spec = apnsPoolSpecs({ ...apns, pools: undefined })[0]!;
  return { ...spec, endpoint: o.endpoint, ca: o.ca, auth: o.auth, threads: o.threads ?? 0 };
}

/** Token auth with `apns`'s team, key id and refresh age, signing with `privateKey`. */
export function tokenAuth(apns: ApnsConfig, privateKey: string | KeyObject, clock?: () => number): ResolvedApnsAuth {
  return { kind: 'token', tokens: new ApnsTokenProvider({ teamId: apns.team_id, keyId: apns.key_id, privateKey, refreshAfterS: apns.jwt_refresh_s, clock }) };
}

export function certificateAuth(certificate: ClientCertificate): ResolvedApnsAuth {
  return { kind: 'certificate', certificate };
}

export function fcmTestPool(fcm: FcmConfig, o: { endpoint: string; ca?: string; account: FcmServiceAccount; clock?: () => number }): ResolvedFcmPool {
  const spec = fcmPoolSpecs(fcm)[0]!;
  return { ...spec, endpoint: o.endpoint, ca: o.ca, auth: serviceAccountAuth(o.account, spec, o.ca, o.clock) };
}
