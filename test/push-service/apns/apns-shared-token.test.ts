/**
 * Herald instances on one PostgreSQL share the provider token of their key (issue 11): Apple
 * (the simulator) refuses a second token of a key within 20 minutes, so with a token each every
 * push of all but one instance would be 429 TooManyProviderTokenUpdates.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushOutcome } from '../../../src/push-service/notification.js';
import { eventually } from '../../support/eventually.js';
import { startSharedTokenRig, type Instance, type SharedTokenRig } from './shared-token-rig.js';

const START_MS = 1_700_000_000_000;
const REFRESH_S = 3000;

function assertDelivered(outcomes: PushOutcome[], why: string): void {
  for (const o of outcomes) assert.equal(o.ok, true, `${why}: ${JSON.stringify(o)}`);
}

const mintedByAll = (rig: SharedTokenRig): number => rig.instances.reduce((sum, i) => sum + i.tokens.minted, 0);
const sameToken = ([a, b]: Instance[]): boolean => a!.tokens.authorization() === b!.tokens.authorization();

describe('APNS provider token shared through PostgreSQL', { timeout: 60_000 }, () => {
  it('instances signing with one key push with one token, minted once, and none is refused as too many updates', async () => {
    const rig = await startSharedTokenRig({ clock: () => START_MS, refreshAfterS: REFRESH_S });
    try {
      const [a, b] = rig.instances;
      assertDelivered(await a!.send(10), 'the first instance');
      assertDelivered(await b!.send(10), 'the second instance');
      assert.equal(mintedByAll(rig), 1);
      assert.equal(rig.sim.stats.jwtsSeen, 1, 'the simulator saw one token');
      assert.deepEqual(rig.sim.stats.rejectedByReason, {});
    } finally {
      await rig.close();
    }
  });

  it('once the token is jwt_refresh_s old exactly one instance mints the next, and every instance sends it', async () => {
    let now = START_MS;
    const rig = await startSharedTokenRig({ clock: () => now, refreshAfterS: REFRESH_S });
    try {
      const [a, b] = rig.instances;
      const first = a!.tokens.authorization();
      now += REFRESH_S * 1000;
      // The due token is still Apple's for ten minutes: it goes out while the next is exchanged.
      assertDelivered([...(await a!.send(5)), ...(await b!.send(5))], 'around the refresh');
      await eventually(() => sameToken(rig.instances) && a!.tokens.authorization() !== first, 'both instances on the next token');
      assertDelivered([...(await a!.send(5)), ...(await b!.send(5))], 'after the refresh');
      assert.equal(mintedByAll(rig), 2);
      assert.equal(rig.sim.stats.jwtsSeen, 2);
      assert.deepEqual(rig.sim.stats.rejectedByReason, {});
    } finally {
      await rig.close();
    }
  });

  it('an ExpiredProviderToken makes one instance mint a new token once, which the other then takes from PostgreSQL', async () => {
    let now = START_MS;
    let simNow = START_MS;
    const rig = await startSharedTokenRig({ clock: () => now, simClock: () => simNow, refreshAfterS: REFRESH_S });
    try {
      const [a, b] = rig.instances;
      // Herald's clock is behind Apple's: the token it holds as young, Apple holds as over an hour old.
      now += 2_000_000;
      simNow += 3_700_000;
      assertDelivered(await a!.send(5), 'resent with a fresh token');
      assert.equal(mintedByAll(rig), 2);
      assertDelivered(await b!.send(5), 'resent with the token the first instance stored');
      assert.equal(mintedByAll(rig), 2, 'the second instance minted none');
      assert.ok(sameToken(rig.instances));
      assert.equal(rig.sim.stats.jwtsSeen, 2);
      assert.deepEqual(Object.keys(rig.sim.stats.rejectedByReason), ['ExpiredProviderToken']);
    } finally {
      await rig.close();
    }
  });
});
