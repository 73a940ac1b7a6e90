/**
 * A throwaway APNS token key: Apple's .p8 keys are EC P-256 in PKCS#8 PEM, so this is one too.
 * Made per process; never written to disk.
 */
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { ApnsTokenProvider } from '../../src/push-service/apns/jwt.js';

export const TEAM_ID = 'HERALDTEAM';
export const KEY_ID = 'BENCHKEY01';
/** Config default `apns.jwt_refresh_s` (Apple: between 20 and 60 minutes). */
export const JWT_REFRESH_S = 3_000;

export interface BenchKey {
  privatePem: string;
  publicKey: KeyObject;
}

export function generateBenchKey(): BenchKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: createPublicKey(privateKey),
  };
}

/** A provider as the APNS pool makes it (shared clock-driven cache, refreshed every 50 min). */
export function tokenProvider(key: BenchKey, clock?: () => number): ApnsTokenProvider {
  return new ApnsTokenProvider({ teamId: TEAM_ID, keyId: KEY_ID, privateKey: key.privatePem, refreshAfterS: JWT_REFRESH_S, clock });
}

/** Whether `jwt` is an ES256 JWS (raw r||s, RFC 7518 §3.4) by `key` with our kid and iss. */
export function isValidProviderToken(jwt: string, key: BenchKey): boolean {
  const [header, claims, signature, ...rest] = jwt.split('.');
  if (header === undefined || claims === undefined || signature === undefined || rest.length > 0) return false;
  const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>;
  const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>;
  if (head.alg !== 'ES256' || head.kid !== KEY_ID || body.iss !== TEAM_ID || typeof body.iat !== 'number') return false;
  return verify(
    'sha256',
    Buffer.from(`${header}.${claims}`),
    { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
}
