import assert from 'node:assert/strict';
import { once } from 'node:events';
import { constants } from 'node:http2';
import { describe, test } from 'node:test';
import { eventually } from '../../support/eventually.js';
import { TARGETS, outcome, request, simulatorPerSuite, statusOf } from './fault-targets.js';

type GoawayEvent = [code: number, lastStreamId: number, debugData: Buffer | undefined];

for (const target of TARGETS) {
  describe(`${target.name} simulator: GOAWAY on demand`, () => {
    const s = simulatorPerSuite(target);

    test('goaway() sends GOAWAY carrying the reason on every current session, which then closes', async () => {
      const [a, b] = [await s.client(), await s.client()];
      const goaways = [once(a, 'goaway'), once(b, 'goaway')] as Promise<GoawayEvent>[];
      const closed = [once(a, 'close'), once(b, 'close')];
      s.sim.faults.goaway({ reason: 'Maintenance' });
      for (const [code, , data] of await Promise.all(goaways)) {
        assert.equal(code, constants.NGHTTP2_NO_ERROR);
        assert.equal(target.goawayReason(data), 'Maintenance');
      }
      await Promise.all(closed);
    });

    test('a request in flight when the GOAWAY goes out is still answered, then the connection closes', async () => {
      s.sim.faults.set({ latencyMs: 100 });
      const c = await s.client();
      const answer = request(target, c, s.sim);
      await eventually(() => s.sim.stats.accepted === 1, 'the simulator to accept the push', 2_000); // decided, its answer held by the latency
      const goaway = once(c, 'goaway') as Promise<GoawayEvent>;
      const closed = once(c, 'close');
      s.sim.faults.goaway();
      const [, lastStreamId] = await goaway;
      assert.equal(lastStreamId, 1, 'the stream in flight counts as processed');
      assert.equal(statusOf(await answer), 200);
      await closed;
    });

    test('goaway after 3 requests, mid-burst: 3 answered, every later stream refused, above the last stream id', async () => {
      const c = await s.client();
      const goaway = once(c, 'goaway') as Promise<GoawayEvent>;
      s.sim.faults.goaway({ afterRequests: 3, reason: 'Shutdown' });
      const streams = Array.from({ length: 10 }, () => target.open(c, s.sim, target.token()));
      const outcomes = await Promise.all(streams.map(outcome));
      const statuses = outcomes.map(statusOf);
      assert.equal(statuses.filter((s) => s === 200).length, 3, `statuses ${statuses.join(' ')}`);
      assert.equal(statuses.filter((s) => s === 'refused').length, 7, `statuses ${statuses.join(' ')}`);
      const [code, lastStreamId, data] = await goaway;
      assert.equal(code, constants.NGHTTP2_NO_ERROR);
      assert.equal(target.goawayReason(data), 'Shutdown');
      const answeredIds = streams.filter((_, i) => statuses[i] === 200).map((s) => s.id!);
      const refusedIds = streams.filter((_, i) => statuses[i] === 'refused').map((s) => s.id!);
      assert.equal(lastStreamId, Math.max(...answeredIds));
      assert.ok(refusedIds.every((id) => id > lastStreamId));
      assert.equal(s.sim.stats.accepted, 3);
      assert.ok(s.sim.faulted.length >= 1, 'the request that met the GOAWAY is recorded');
      assert.ok(s.sim.faulted.every((f) => f.fault === 'goaway'));
    });

    test('a GOAWAY is one-shot: a new connection is served normally', async () => {
      const first = await s.client();
      const closed = once(first, 'close');
      s.sim.faults.goaway({ afterRequests: 1 });
      assert.equal(statusOf(await request(target, first, s.sim)), 200);
      assert.equal(statusOf(await request(target, first, s.sim)), 'refused');
      await closed;
      const second = await s.client();
      assert.equal(statusOf(await request(target, second, s.sim)), 200);
      assert.equal(statusOf(await request(target, second, s.sim)), 200);
    });

    test('a GOAWAY with an error code carries that code', async () => {
      const c = await s.client();
      const goaway = once(c, 'goaway') as Promise<GoawayEvent>;
      s.sim.faults.goaway({ code: constants.NGHTTP2_ENHANCE_YOUR_CALM });
      const [code] = await goaway;
      assert.equal(code, constants.NGHTTP2_ENHANCE_YOUR_CALM);
    });
  });
}
