import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { isHeraldError } from '../../../src/core/errors.js';
import type { SenderThreads } from '../../../src/push-service/threaded/sender-threads.js';
import { eventually } from '../../support/eventually.js';
import { alert, startThreadedPool, TOKEN } from './thread-rig.js';

const HANGING = 'cd'.repeat(32);

type Rig = Awaited<ReturnType<typeof startThreadedPool>>;

/** Runs `body` on a threaded pool of `apns` and its simulator, then closes both. */
async function withThreadedPool(apns: Parameters<typeof startThreadedPool>[0], mailbox: number, body: (rig: Rig) => Promise<void>): Promise<void> {
  const rig = await startThreadedPool(apns, mailbox);
  try {
    await body(rig);
  } finally {
    await rig.service.close();
    await rig.sim.close();
  }
}

const ONE_CONNECTION = { connections: 1, request_timeout_ms: 2_000 };

test('notifications sent through the sender thread reach APNS and settle with their apns-id', () =>
  withThreadedPool(ONE_CONNECTION, 64, async ({ sim, service }) => {
    const outcomes = await Promise.all([1, 2, 3].map(() => service.send(alert(TOKEN))));
    assert.ok(outcomes.every((o) => o.ok && typeof o.id === 'string' && o.id.length === 36));
    assert.equal(sim.received.length, 3);
    sim.program(TOKEN, { status: 410, reason: 'Unregistered' });
    const gone = await service.send(alert(TOKEN));
    assert.equal(gone.ok, false);
    assert.equal(!gone.ok && gone.reason, 'unregistered');
  }));

test('beyond the thread mailbox capacity a send is refused at once with HERALD_MAILBOX_FULL', () =>
  withThreadedPool(ONE_CONNECTION, 4, async ({ sim, service }) => {
    sim.program(HANGING, { fault: 'hang' });
    const held = [1, 2, 3, 4].map(() => service.send(alert(HANGING)));
    assert.throws(() => service.send(alert(HANGING)), (e: unknown) => isHeraldError(e, 'HERALD_MAILBOX_FULL'));
    assert.equal((service.senders as SenderThreads).outstanding, 4);
    const outcomes = await Promise.all(held);
    assert.ok(outcomes.every((o) => !o.ok && o.reason === 'request_timeout'));
    // Room again once they settled.
    sim.clearPrograms();
    assert.equal((await service.send(alert(TOKEN))).ok, true);
  }));

test('when the sender thread dies its notifications end as connection_lost and a new thread takes over', () =>
  withThreadedPool(ONE_CONNECTION, 64, async ({ sim, service }) => {
    sim.program(HANGING, { fault: 'hang' });
    const held = service.send(alert(HANGING));
    await eventually(() => sim.attempts(HANGING) === 1, 'the notification handed over and in flight', 10_000);
    const [thread] = (service.senders as unknown as { threads: Array<{ worker: Worker }> }).threads;
    await thread!.worker.terminate();
    const lost = await held;
    assert.equal(!lost.ok && lost.reason, 'connection_lost');
    // The restarted thread delivers (it starts after RESTART_DELAY_MS).
    await eventually(async () => (await service.send(alert(TOKEN))).ok, 'a notification delivered by the new thread', 10_000, 100);
  }));

test('several sender threads share the one provider token minted on the main thread', () =>
  // Two streams per connection: a turn's ten sends fill one thread, so the next turn takes another.
  withThreadedPool({ connections: 3, sender_threads: 3, max_in_flight: 2 }, 64, async ({ sim, service }) => {
    // Sent over several event-loop turns: each turn's sends go to one thread.
    const sent: Array<Promise<unknown>> = [];
    for (let turn = 0; turn < 6; turn++) {
      for (let i = 0; i < 10; i++) sent.push(service.send(alert(TOKEN)));
      await new Promise((r) => setImmediate(r));
    }
    const outcomes = (await Promise.all(sent)) as Array<{ ok: boolean }>;
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(service.senderStats().tokensIssued, 1);
    assert.equal(sim.stats.jwtsSeen, 1, 'APNS saw one token for all threads and connections');
    assert.ok(sim.stats.sessionsOpened >= 3, 'each thread opened its own connection');
  }));

test('light load stays on one sender thread; a turn that finds it with all its streams busy goes to the next', () =>
  withThreadedPool({ connections: 2, sender_threads: 2, max_in_flight: 5 }, 64, async ({ sim, service }) => {
    for (let turn = 0; turn < 4; turn++) {
      const outcomes = await Promise.all([1, 2, 3].map(() => service.send(alert(TOKEN))));
      assert.ok(outcomes.every((o) => o.ok));
    }
    assert.equal(sim.stats.sessionsOpened, 1, 'three at a time fit one thread’s five streams: one connection opened');
    // Slow answers keep a turn's eight outstanding on the first thread (five streams) into the next turn.
    sim.faults.set({ latencyMs: 300 });
    const burst = Array.from({ length: 8 }, () => service.send(alert(TOKEN)));
    await new Promise((r) => setImmediate(r));
    const next = service.send(alert(TOKEN));
    assert.ok((await Promise.all([...burst, next])).every((o) => o.ok));
    assert.equal(sim.stats.sessionsOpened, 2, 'the next turn went to the other thread, which opened its connection');
  }));
