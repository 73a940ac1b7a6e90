/**
 * The shared token's policy when PostgreSQL fails, on a store in memory the test can break (the
 * PostgreSQL exchange itself: apns-shared-token.test.ts; refusals: token-refusal.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogFields, Logger } from '../../../src/core/log.js';
import { ProviderTokenSigner } from '../../../src/push-service/apns/jwt.js';
import { APPLE_TOKEN_LIFETIME_MS, SharedApnsToken, STORE_RETRY_MS } from '../../../src/push-service/apns/shared-token.js';
import { apnsKeyPair } from '../../support/keyed-apns-simulator.js';
import { KEY_ID, TEAM_ID } from './harness.js';
import { MemoryTokenStore } from './memory-token-store.js';

const REFRESH_S = 3000;

async function sharedToken() {
  let now = 1_700_000_000_000;
  const store = new MemoryTokenStore();
  const warnings: Array<[string, LogFields | undefined]> = [];
  const log = { warn: (event: string, fields?: LogFields) => warnings.push([event, fields]), debug() {}, info() {}, error() {} } as unknown as Logger;
  const tokens = new SharedApnsToken({
    signer: new ProviderTokenSigner(TEAM_ID, KEY_ID, apnsKeyPair().privateKeyPem),
    refreshAfterS: REFRESH_S,
    store,
    log,
    clock: () => now,
  });
  await tokens.ready();
  return { tokens, store, warnings, advance: (ms: number) => (now += ms) };
}

describe('APNS shared token when PostgreSQL fails', () => {
  it('keeps the current token while Apple accepts it and asks PostgreSQL again only STORE_RETRY_MS later', async () => {
    const { tokens, store, warnings, advance } = await sharedToken();
    const first = tokens.authorization();
    store.failing = true;
    advance(REFRESH_S * 1000);
    tokens.authorization();
    assert.equal(tokens.pending(), undefined, 'the due token is not withheld');
    await tokens.exchanged();
    assert.equal(store.exchanges, 2);
    assert.equal(tokens.authorization(), first);
    assert.equal(tokens.minted, 1, 'no token minted beside the other instances');
    assert.deepEqual(warnings.map(([event, fields]) => [event, fields?.using]), [['apns.token_store_failed', 'the current token']]);
    advance(STORE_RETRY_MS - 1);
    tokens.authorization();
    assert.equal(store.exchanges, 2, 'not asked again before STORE_RETRY_MS');
    store.failing = false;
    advance(1);
    tokens.authorization();
    await tokens.exchanged();
    assert.equal(store.exchanges, 3);
    assert.notEqual(tokens.authorization(), first, 'the next token, once PostgreSQL answers again');
  });

  it('mints a token of its own, with a warning, once the current one is no longer accepted by Apple', async () => {
    const { tokens, store, warnings, advance } = await sharedToken();
    const first = tokens.authorization();
    store.failing = true;
    advance(APPLE_TOKEN_LIFETIME_MS);
    const next = await tokens.pending();
    assert.notEqual(next, first);
    assert.equal(tokens.authorization(), next);
    assert.equal(tokens.minted, 2);
    assert.deepEqual(warnings.map(([event, fields]) => [event, fields?.using]), [['apns.token_store_failed', 'a token minted by this instance']]);
  });
});
