import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { validateConfig } from '../../../src/core/config/load.js';
import { isHeraldError } from '../../../src/core/errors.js';
import type { PushNotification } from '../../../src/push-service/notification.js';
import { startActorRuntime } from '../../../src/actors/index.js';
import type { ApnsConfig } from '../../../src/core/config/schema.js';
import { startApnsPool, type ApnsPool } from '../../../src/push-service/pools/apns-pool.js';
import type { SenderThreads } from '../../../src/push-service/threaded/sender-threads.js';
import { apnsTestPool, tokenAuth } from '../pools/test-pools.js';
import { startApnsSimulator, type ApnsSimulator } from '../../../src/simulators/apns/index.js';
import { eventually } from '../../support/eventually.js';

const TEAM = 'TEAM123456';
const KEY_ID = 'KEY1234567';
const TOKEN = 'ab'.repeat(32);
const HANGING = 'cd'.repeat(32);

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const alert = (device_id: string): PushNotification => ({
  service: 'apns',
  device_id,
  mode: 'prod',
  topic: 'com.example.app',
  alert: { title: 'romeo', body: 'hello' },
});

/** An APNS pool on `apns.sender_threads` sender threads, pointed at `sim`. */
function threadedPool(apns: ApnsConfig, sim: ApnsSimulator, privateKeyPem: string, mailbox = 64): Promise<ApnsPool> {
  const pool = apnsTestPool(apns, { endpoint: sim.url, ca: sim.ca, auth: tokenAuth(apns, privateKeyPem), threads: apns.sender_threads });
  return startApnsPool(pool, mailbox, startActorRuntime());
}

async function setup(mailbox: number): Promise<{ sim: ApnsSimulator; service: ApnsPool }> {
  const keys = keyPair();
  const sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: keys.publicKeyPem } });
  const config = validateConfig({ apns: { team_id: TEAM, key_id: KEY_ID, connections: 1, request_timeout_ms: 2_000 } });
  const service = await threadedPool(config.apns, sim, keys.privateKeyPem, mailbox);
  return { sim, service };
}

test('notifications sent through the sender thread reach APNS and settle with their apns-id', async () => {
  const { sim, service } = await setup(64);
  try {
    const outcomes = await Promise.all([1, 2, 3].map(() => service.send(alert(TOKEN))));
    assert.ok(outcomes.every((o) => o.ok && typeof o.id === 'string' && o.id.length === 36));
    assert.equal(sim.received.length, 3);
    sim.program(TOKEN, { status: 410, reason: 'Unregistered' });
    const gone = await service.send(alert(TOKEN));
    assert.equal(gone.ok, false);
    assert.equal(!gone.ok && gone.reason, 'unregistered');
  } finally {
    await service.close();
    await sim.close();
  }
});

test('beyond the thread mailbox capacity a send is refused at once with HERALD_MAILBOX_FULL', async () => {
  const { sim, service } = await setup(4);
  try {
    sim.program(HANGING, { fault: 'hang' });
    const held = [1, 2, 3, 4].map(() => service.send(alert(HANGING)));
    assert.throws(() => service.send(alert(HANGING)), (e: unknown) => isHeraldError(e, 'HERALD_MAILBOX_FULL'));
    assert.equal((service.senders as SenderThreads).outstanding, 4);
    const outcomes = await Promise.all(held);
    assert.ok(outcomes.every((o) => !o.ok && o.reason === 'request_timeout'));
    // Room again once they settled.
    sim.clearPrograms();
    assert.equal((await service.send(alert(TOKEN))).ok, true);
  } finally {
    await service.close();
    await sim.close();
  }
});

test('when the sender thread dies its notifications end as connection_lost and a new thread takes over', async () => {
  const { sim, service } = await setup(64);
  try {
    sim.program(HANGING, { fault: 'hang' });
    const held = service.send(alert(HANGING));
    await eventually(() => sim.attempts(HANGING) === 1, 'the notification handed over and in flight', 10_000);
    const [thread] = (service.senders as unknown as { threads: Array<{ worker: Worker }> }).threads;
    await thread!.worker.terminate();
    const lost = await held;
    assert.equal(!lost.ok && lost.reason, 'connection_lost');
    // The restarted thread delivers (it starts after RESTART_DELAY_MS).
    await eventually(async () => (await service.send(alert(TOKEN))).ok, 'a notification delivered by the new thread', 10_000, 100);
  } finally {
    await service.close();
    await sim.close();
  }
});

test('several sender threads share the one provider token minted on the main thread', async () => {
  const keys = keyPair();
  const sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: keys.publicKeyPem } });
  // Two streams per connection: a turn's ten sends fill one thread, so the next turn takes another.
  const config = validateConfig({ apns: { team_id: TEAM, key_id: KEY_ID, connections: 3, sender_threads: 3, max_in_flight: 2 } });
  const service = await threadedPool(config.apns, sim, keys.privateKeyPem);
  try {
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
  } finally {
    await service.close();
    await sim.close();
  }
});

test('light load stays on one sender thread; a turn that finds it with all its streams busy goes to the next', async () => {
  const keys = keyPair();
  const sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: keys.publicKeyPem } });
  const config = validateConfig({ apns: { team_id: TEAM, key_id: KEY_ID, connections: 2, sender_threads: 2, max_in_flight: 5 } });
  const service = await threadedPool(config.apns, sim, keys.privateKeyPem);
  try {
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
  } finally {
    await service.close();
    await sim.close();
  }
});
