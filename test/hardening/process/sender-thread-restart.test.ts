/**
 * A sender thread that dies is restarted, and a restart that fails is retried: the pool never
 * wedges, its in-flight work ends once as connection_lost (never resent), pushes made while no
 * thread runs are answered at once, and health, metrics and the log say what happened.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { sampleValue } from '../../e2e/rest-session.js';
import { defaultSenderWorker, type SenderWorkerFactory } from '../../../src/push-service/threaded/sender-thread-handle.js';
import { alertTo, deviceToken, poolStatus, startThreadedRig } from './harness.js';
import { eventually } from '../../support/eventually.js';

const POOL = '{service="apns",pool="apns-prod"}';

/**
 * Worker factory whose threads the test can reach: real sender threads, except that the next
 * `failNext` starts die before they are ready, as a start under EMFILE does.
 */
function controllableWorkers(): { factory: SenderWorkerFactory; workers: Worker[]; failNext: number } {
  const control = {
    workers: [] as Worker[],
    failNext: 0,
    factory: ((init) => {
      if (control.failNext > 0) {
        control.failNext--;
        return new Worker("throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' })", { eval: true });
      }
      const worker = defaultSenderWorker(init);
      control.workers.push(worker);
      return worker;
    }) as SenderWorkerFactory,
  };
  return control;
}

test('a terminated sender thread ends its in-flight push once as connection_lost, is restarted, and its pool delivers again', async () => {
  const control = controllableWorkers();
  const rig = await startThreadedRig(
    { connections: 1, sender_threads: 1, sender_thread_restart: { backoff_ms: 20, max_ms: 200 } },
    { createWorker: control.factory },
  );
  try {
    const hanging = deviceToken();
    rig.sim.program(hanging, { fault: 'hang' });
    const held = rig.service.send(alertTo(hanging));
    await eventually(() => rig.sim.attempts(hanging) === 1, 'the push to reach APNS', 10_000);

    await control.workers[0]!.terminate();
    assert.deepEqual(await held, { ok: false, reason: 'connection_lost' });

    const delivered = deviceToken();
    await eventually(async () => (await rig.service.send(alertTo(delivered))).ok, 'a push delivered by the restarted thread', 10_000);
    assert.equal(control.workers.length, 2, 'one new thread');
    assert.equal(rig.sim.attempts(hanging), 1, 'the lost push was never resent');

    await eventually(() => rig.ops.health().status === 200 && poolStatus(rig.ops.health().body, 'apns-prod') === 'pass', 'the pool healthy again', 10_000);
    const metrics = await rig.ops.metrics();
    assert.equal(sampleValue(metrics, `herald_sender_thread_exits_total${POOL}`), 1);
    assert.equal(sampleValue(metrics, `herald_sender_thread_restarts_total${POOL}`), 1);
    assert.equal(sampleValue(metrics, `herald_sender_thread_start_failures_total${POOL}`), 0);
    assert.equal(sampleValue(metrics, 'herald_sender_thread_up{service="apns",pool="apns-prod",thread="0"}'), 1);
    assert.equal(sampleValue(metrics, `herald_push_rejected_total{service="apns",pool="apns-prod",reason="connection_lost"}`), 1);

    const exited = rig.log.events('sender_thread.exited');
    assert.equal(exited.length, 1);
    assert.equal(exited[0]!.level, 'error');
    assert.equal(exited[0]!.fields.code, 'HERALD_SENDER_THREAD');
    assert.equal(rig.log.events('sender_thread.restarted').length, 1);
  } finally {
    await rig.close();
  }
});

test('while no sender thread runs, a push is answered unable_to_connect at once and health does not pass', async () => {
  const control = controllableWorkers();
  const rig = await startThreadedRig(
    // A long first restart delay: the thread stays down while the test looks.
    { connections: 1, sender_threads: 1, sender_thread_restart: { backoff_ms: 60_000, max_ms: 60_000 } },
    { createWorker: control.factory, random: () => 0.999 },
  );
  try {
    await eventually(() => poolStatus(rig.ops.health().body, 'apns-prod') === 'pass', 'the pool connected', 10_000);
    await control.workers[0]!.terminate();
    await eventually(() => rig.threads.stats().threads[0]!.state === 'down', 'the thread down', 10_000);

    // Not queued for a thread that may not come back soon: answered now.
    assert.deepEqual(await rig.service.send(alertTo(deviceToken())), { ok: false, reason: 'unable_to_connect' });
    assert.equal(rig.threads.outstanding, 0, 'nothing waits');

    const health = rig.ops.health();
    assert.equal(health.status, 503, 'the only pool is down');
    assert.equal(poolStatus(health.body, 'apns-prod'), 'fail');
    assert.deepEqual(health.body.details['pool:apns-prod']![0]!.output, { connected: 0, disconnected: 1 });
    const metrics = await rig.ops.metrics();
    assert.equal(sampleValue(metrics, 'herald_sender_thread_up{service="apns",pool="apns-prod",thread="0"}'), 0);
    assert.equal(sampleValue(metrics, 'herald_push_connections{service="apns",pool="apns-prod",state="connected"}'), 0);
    assert.equal(sampleValue(metrics, `herald_push_rejected_total{service="apns",pool="apns-prod",reason="unable_to_connect"}`), 1);
    // Equal jitter: uniform in [30 s, 60 s] for the first failure; random() = 0.999 → 59.97 s.
    assert.equal(rig.log.events('sender_thread.exited')[0]!.fields.retry_in_ms, 59_970);
  } finally {
    await rig.close();
  }
});

test('with one of two threads down the pool keeps serving on the other and reports warn, not pass', async () => {
  const control = controllableWorkers();
  const rig = await startThreadedRig(
    { connections: 2, sender_threads: 2, sender_thread_restart: { backoff_ms: 60_000, max_ms: 60_000 } },
    { createWorker: control.factory },
  );
  try {
    // Both threads have reported their connection connected (reports cross every 500 ms).
    await eventually(() => (rig.ops.health().body.details['pool:apns-prod']![0]!.output as { connected: number }).connected === 2, 'both connections up', 10_000);
    await control.workers[0]!.terminate();
    await eventually(() => rig.threads.stats().threads.some((t) => t.state === 'down'), 'one thread down', 10_000);
    for (let i = 0; i < 4; i++) assert.equal((await rig.service.send(alertTo(deviceToken()))).ok, true, 'the live thread delivers');
    const health = rig.ops.health();
    assert.equal(health.status, 200);
    assert.equal(poolStatus(health.body, 'apns-prod'), 'warn');
    assert.deepEqual(health.body.details['pool:apns-prod']![0]!.output, { connected: 1, disconnected: 1 });
  } finally {
    await rig.close();
  }
});

test('a thread whose restarts fail is retried with backoff until it starts, logged once for the streak with the count', async () => {
  const control = controllableWorkers();
  const rig = await startThreadedRig(
    { connections: 1, sender_threads: 1, sender_thread_restart: { backoff_ms: 10, max_ms: 80 } },
    { createWorker: control.factory, random: () => 0.999 },
  );
  try {
    control.failNext = 5;
    await control.workers[0]!.terminate();
    await eventually(() => control.workers.length === 2 && rig.threads.stats().threads[0]!.state === 'up', 'the thread running again', 10_000);
    assert.equal(control.failNext, 0, 'every failing start was retried');
    const delivered = deviceToken();
    await eventually(async () => (await rig.service.send(alertTo(delivered))).ok, 'a push delivered after the streak', 10_000);

    const [thread] = rig.threads.stats().threads;
    assert.deepEqual(thread, { state: 'up', exits: 1, startFailures: 5, restarts: 1 });
    const failed = rig.log.events('sender_thread.start_failed');
    assert.equal(failed.length, 1, 'one line for five failed starts');
    assert.equal(failed[0]!.level, 'error');
    assert.match(String((failed[0]!.fields.error as Error).message), /EMFILE/);
    // Backoff: after the death (10 ms) and the first failed start comes the doubled delay.
    assert.equal(failed[0]!.fields.retry_in_ms, 20);
    const restarted = rig.log.events('sender_thread.restarted');
    assert.equal(restarted.length, 1);
    assert.equal(restarted[0]!.fields.failed_starts, 5);
    assert.equal(sampleValue(await rig.ops.metrics(), `herald_sender_thread_start_failures_total${POOL}`), 5);
  } finally {
    await rig.close();
  }
});
