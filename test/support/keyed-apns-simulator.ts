/**
 * An APNS simulator that trusts fresh provider keys, for Herald processes started from a config
 * file: a key's private PEM goes in `[apns] key_file`, the simulator's CA in `ca_file`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';

export const TEAM_ID = 'TEAM123456';
export const KEY_ID = 'KEY1234567';

export function apnsKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A provider signing key as `[apns] key_id` and `key_file` name it. */
export interface ProviderKey {
  keyId: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

export interface KeyedApnsSimulator {
  sim: ApnsSimulator;
  /** Keys of TEAM_ID the simulator accepts tokens of; the first is KEY_ID. */
  keys: ProviderKey[];
}

/**
 * A simulator trusting `count` fresh keys. Like Apple, it refuses a second token of one key within
 * 20 minutes of the first (TooManyProviderTokenUpdates), so processes that sign their own tokens
 * at the same time need a key each.
 */
export async function startKeyedApnsSimulator(count = 1): Promise<KeyedApnsSimulator> {
  const pairs = Array.from({ length: count }, (_, i) => ({ keyId: i === 0 ? KEY_ID : `KEY${String(i).padStart(7, '0')}`, ...apnsKeyPair() }));
  const sim = await startApnsSimulator({ teamId: TEAM_ID, keys: Object.fromEntries(pairs.map((p) => [p.keyId, p.publicKeyPem])) });
  return { sim, keys: pairs.map(({ keyId, privateKeyPem }) => ({ keyId, privateKeyPem })) };
}
