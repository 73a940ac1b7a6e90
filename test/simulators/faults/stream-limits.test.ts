import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ClientHttp2Session } from 'node:http2';
import { describe, test } from 'node:test';
import { startApnsSimulator } from '../../../src/simulators/apns/index.js';
import { KEY_ID, TEAM, makeProviderKey, send, signJwt } from '../apns-test-client.js';
import { TARGETS, connectTo, request, simulatorPerSuite, statusOf } from './fault-targets.js';

const streamsOf = (c: ClientHttp2Session): number | undefined => c.remoteSettings.maxConcurrentStreams;

for (const target of TARGETS) {
  describe(`${target.name} simulator: stream limit at run time`, () => {
    const START_LIMIT = 40;
    const s = simulatorPerSuite(target, { maxConcurrentStreams: START_LIMIT });

    test('a new limit goes out as SETTINGS on every current session and is used for new ones', async () => {
      const a = await s.client();
      assert.equal(streamsOf(a), START_LIMIT);
      let settings = once(a, 'remoteSettings');
      s.sim.faults.set({ maxConcurrentStreams: 1 });
      await settings;
      assert.equal(streamsOf(a), 1);
      const b = await s.client();
      assert.equal(streamsOf(b), 1);
      settings = Promise.all([once(a, 'remoteSettings'), once(b, 'remoteSettings')]);
      s.sim.faults.set({ maxConcurrentStreams: 1000 });
      await settings;
      assert.deepEqual([streamsOf(a), streamsOf(b)], [1000, 1000]);
    });

    test('clear() brings the limit back to the one the simulator started with', async () => {
      s.sim.faults.set({ maxConcurrentStreams: 3 });
      const a = await s.client();
      assert.equal(streamsOf(a), 3);
      const settings = once(a, 'remoteSettings');
      s.sim.faults.clear();
      await settings;
      assert.equal(streamsOf(a), START_LIMIT);
    });

    test('with dropToOneStreamAfterRejection a rejection drops the session to 1 stream until its next 200', async () => {
      s.sim.faults.set({ dropToOneStreamAfterRejection: true, serverErrors: { count: 1 } });
      const a = await s.client();
      let settings = once(a, 'remoteSettings');
      assert.equal(statusOf(await request(target, a, s.sim)), 503);
      await settings;
      assert.equal(streamsOf(a), 1);
      settings = once(a, 'remoteSettings');
      assert.equal(statusOf(await request(target, a, s.sim)), 200);
      await settings;
      assert.equal(streamsOf(a), START_LIMIT);
    });
  });
}

describe('APNS simulator: stream limit at run time with token auth', () => {
  const key = makeProviderKey();
  test('a session without a valid token stays at 1 stream; an authenticated one gets the new limit', async () => {
    const sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: key.publicKeyPem }, maxConcurrentStreams: 7 });
    const [authed, anonymous] = [await connectTo(sim), await connectTo(sim)];
    let late: ClientHttp2Session | undefined;
    try {
      const raised = once(authed, 'remoteSettings');
      assert.equal((await send(authed, { jwt: signJwt(key, Math.floor(Date.now() / 1000)) })).status, 200);
      await raised;
      assert.equal(streamsOf(authed), 7);
      const changed = once(authed, 'remoteSettings');
      sim.faults.set({ maxConcurrentStreams: 500 });
      await changed;
      assert.equal(streamsOf(authed), 500);
      assert.equal(streamsOf(anonymous), 1);
      late = await connectTo(sim);
      assert.equal(streamsOf(late), 1);
    } finally {
      for (const c of [authed, anonymous, late]) c?.destroy();
      await sim.close();
    }
  });
});
