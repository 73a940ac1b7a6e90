import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../../src/core/errors.js';
import { ensureDevApnsKey } from '../../../src/push-service/apns/dev-key.js';
import { ApnsTokenProvider } from '../../../src/push-service/apns/jwt.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function decode(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('APNS provider token', () => {
  it('is an ES256 JWT with kid in its header and iss/iat in its claims, verifiable with the public key', () => {
    const now = 1_700_000_000_123;
    const tokens = new ApnsTokenProvider({ teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: privatePem, refreshAfterS: 3000, clock: () => now });
    const [header, claims, signature] = tokens.token().split('.') as [string, string, string];
    assert.deepEqual(decode(header), { alg: 'ES256', kid: 'KEY1234567' });
    assert.deepEqual(decode(claims), { iss: 'TEAM123456', iat: 1_700_000_000 });
    const raw = Buffer.from(signature, 'base64url');
    assert.equal(raw.length, 64, 'JWS ES256 signatures are raw r||s, 64 bytes');
    const ok = verify('sha256', Buffer.from(`${header}.${claims}`), { key: createPublicKey(privateKey), dsaEncoding: 'ieee-p1363' }, raw);
    assert.equal(ok, true);
  });

  it('is reused while younger than the refresh age and replaced once it is that old', () => {
    let now = 1_700_000_000_000;
    const tokens = new ApnsTokenProvider({ teamId: 'T', keyId: 'K', privateKey: privatePem, refreshAfterS: 3000, clock: () => now });
    const first = tokens.token();
    now += 2_999_999;
    for (let i = 0; i < 50; i++) assert.equal(tokens.token(), first);
    assert.equal(tokens.minted, 1);
    now += 1;
    const second = tokens.token();
    assert.notEqual(second, first);
    assert.equal(tokens.minted, 2);
    assert.equal(tokens.authorization(), `bearer ${second}`);
    assert.equal(tokens.issuedAt, now);
  });

  it('refuses a key that is not an EC P-256 private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const bad of [rsa, 'not a key']) {
      assert.throws(
        () => new ApnsTokenProvider({ teamId: 'T', keyId: 'K', privateKey: bad, refreshAfterS: 3000 }),
        (e: unknown) => isHeraldError(e, 'HERALD_AUTH_KEY_INVALID'),
      );
    }
  });
});

describe('development APNS key', () => {
  it('is generated once as a PKCS#8 .p8 file readable only by its owner, then reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-apns-key-'));
    try {
      const path = join(dir, 'nested', 'AuthKey.p8');
      const first = ensureDevApnsKey(path);
      assert.match(first.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      assert.match(first.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
      assert.equal(readFileSync(path, 'utf8'), first.privateKeyPem);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const again = ensureDevApnsKey(path);
      assert.deepEqual(again, first);
      const tokens = new ApnsTokenProvider({ teamId: 'T', keyId: 'K', privateKey: again.privateKeyPem, refreshAfterS: 3000 });
      assert.equal(tokens.token().split('.').length, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
