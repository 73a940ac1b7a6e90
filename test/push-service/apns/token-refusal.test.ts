/**
 * What a token source does when Apple refuses its token (ExpiredProviderToken,
 * InvalidProviderToken): the same behaviour for the process's own token (LMDB, one instance) and
 * the token the instances share through PostgreSQL (here on a store in memory).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../src/core/log.js';
import { ApnsTokenProvider, bearerOf, MIN_TOKEN_UPDATE_INTERVAL_MS, ProviderTokenSigner, type TokenSource } from '../../../src/push-service/apns/jwt.js';
import { SharedApnsToken } from '../../../src/push-service/apns/shared-token.js';
import { apnsKeyPair } from '../../support/keyed-apns-simulator.js';
import { KEY_ID, TEAM_ID } from './harness.js';
import { MemoryTokenStore } from './memory-token-store.js';

const REFRESH_S = 3000;

interface Rig {
  tokens: TokenSource;
  advance(ms: number): void;
  /** The token a shared source stored, for the other instances. */
  stored?(): string | undefined;
}

const sources: Array<[name: string, start: () => Promise<Rig>]> = [
  [
    'the process token',
    async () => {
      let now = 1_700_000_000_000;
      const { privateKeyPem: privateKey } = apnsKeyPair();
      const tokens = new ApnsTokenProvider({ teamId: TEAM_ID, keyId: KEY_ID, privateKey, refreshAfterS: REFRESH_S, clock: () => now });
      return { tokens, advance: (ms) => (now += ms) };
    },
  ],
  [
    'the token shared through PostgreSQL',
    async () => {
      let now = 1_700_000_000_000;
      const store = new MemoryTokenStore();
      const signer = new ProviderTokenSigner(TEAM_ID, KEY_ID, apnsKeyPair().privateKeyPem);
      const tokens = new SharedApnsToken({ signer, refreshAfterS: REFRESH_S, store, log: silentLogger, clock: () => now });
      await tokens.ready();
      return { tokens, advance: (ms) => (now += ms), stored: () => store.stored && bearerOf(store.stored.jwt) };
    },
  ],
];

/** What the sender sends next: the token being fetched, if it must wait for one, else the current. */
const nextAuthorization = (tokens: TokenSource): Promise<string> => Promise.resolve(tokens.pending?.() ?? tokens.authorization());

for (const [name, start] of sources) {
  describe(`${name} refused by Apple`, () => {
    it('is replaced once, and a refusal of the replaced token mints nothing', async () => {
      const { tokens, advance, stored } = await start();
      const refused = tokens.authorization();
      advance(MIN_TOKEN_UPDATE_INTERVAL_MS);
      assert.equal(tokens.refused!(refused), true, 'resent with a new token');
      const next = await nextAuthorization(tokens);
      assert.notEqual(next, refused);
      if (stored) assert.equal(stored(), next, 'the new token is stored for the other instances');
      assert.equal(tokens.refused!(refused), true, 'another request that carried the old token is resent');
      assert.equal(await nextAuthorization(tokens), next);
      assert.equal(tokens.minted, 2);
    });

    it('is kept while younger than 20 minutes: Apple would refuse its replacement as too many updates', async () => {
      const { tokens, advance } = await start();
      const refused = tokens.authorization();
      advance(MIN_TOKEN_UPDATE_INTERVAL_MS - 1);
      assert.equal(tokens.refused!(refused), false, 'not resent');
      assert.equal(await nextAuthorization(tokens), refused);
      assert.equal(tokens.minted, 1);
    });
  });
}
