import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FaultSettings } from '../../../src/simulators/shared/fault-settings.js';
import { TARGETS, request, simulatorPerSuite, statusOf } from './fault-targets.js';

for (const target of TARGETS) {
  describe(`${target.name} simulator: setting and clearing fault modes`, () => {
    const s = simulatorPerSuite(target);

    test('out-of-range settings are refused with HERALD_CONFIG_INVALID naming each one, and nothing changes', () => {
      const bad = { latencyMs: -1, serverErrors: { status: 502 }, goaway: { afterRequests: 1.5 } } as unknown as FaultSettings;
      assert.throws(() => s.sim.faults.set(bad), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'HERALD_CONFIG_INVALID');
        for (const name of ['faults.latencyMs', 'faults.serverErrors.status', 'faults.goaway.afterRequests']) {
          assert.ok(e.message.includes(name), `${e.message} names ${name}`);
        }
        return true;
      });
      assert.equal(s.sim.faults.current().latencyMs, 0);
      assert.equal(s.sim.faults.current().serverErrors, undefined);
    });

    test('an unknown setting is refused rather than ignored', () => {
      assert.throws(() => s.sim.faults.set({ latency: 5 } as unknown as FaultSettings), { code: 'HERALD_CONFIG_INVALID' });
    });

    test('set() keeps the modes left out, a mode set to undefined ends, and current() shows what is left', async () => {
      const client = await s.client();
      s.sim.faults.set({ latencyMs: 5, refuseStreams: 2 });
      s.sim.faults.set({ jitterMs: 3 });
      assert.equal(statusOf(await request(target, client, s.sim)), 'refused');
      const now = s.sim.faults.current();
      assert.deepEqual([now.latencyMs, now.jitterMs, now.refuseStreams], [5, 3, 1]);
      s.sim.faults.set({ refuseStreams: undefined });
      assert.equal(s.sim.faults.current().refuseStreams, undefined);
      assert.equal(statusOf(await request(target, client, s.sim)), 200);
    });

    test('clear() ends every mode at once', async () => {
      const client = await s.client();
      s.sim.faults.set({
        latencyMs: 5,
        refuseStreams: 1,
        serverErrors: { count: 1 },
        tooManyRequests: {},
        goaway: { afterRequests: 1 },
        dropConnections: { afterRequests: 1 },
        dropToOneStreamAfterRejection: true,
      });
      s.sim.faults.clear();
      const now = s.sim.faults.current();
      assert.deepEqual(
        { ...now, maxConcurrentStreams: undefined },
        { latencyMs: 0, jitterMs: 0, maxConcurrentStreams: undefined, dropToOneStreamAfterRejection: false },
      );
      for (let i = 0; i < 3; i++) assert.equal(statusOf(await request(target, client, s.sim)), 200);
    });

    test('reset() clears the records but leaves the fault modes in force', async () => {
      const client = await s.client();
      s.sim.faults.set({ serverErrors: { count: 2 } });
      assert.equal(statusOf(await request(target, client, s.sim)), 503);
      s.sim.reset();
      assert.equal(s.sim.rejected.length, 0);
      assert.equal(statusOf(await request(target, client, s.sim)), 503);
    });
  });

  describe(`${target.name} simulator: fault options at start`, () => {
    test('out-of-range fault options are refused at start with HERALD_CONFIG_INVALID', async () => {
      await assert.rejects(target.start({ refuseStreams: -1 }), { code: 'HERALD_CONFIG_INVALID' });
      await assert.rejects(target.start({ maxConcurrentStreams: 0 }), { code: 'HERALD_CONFIG_INVALID' });
    });
  });
}
