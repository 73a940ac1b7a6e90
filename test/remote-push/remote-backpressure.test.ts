/**
 * Backpressure: `connections` requests in flight, `max_pending` waiting, one more refused at
 * once with HERALD_MAILBOX_FULL — which the App Server answers wait/resource-constraint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isHeraldError } from '../../src/core/errors.js';
import type { PushNotification, PushOutcome } from '../../src/push-service/notification.js';
import { RemotePushDispatcher } from '../../src/remote-push/index.js';
import { startRecordingServer, type ProgrammedAnswer, type RecordingServer } from './harness.js';
import { startBridgeRig } from './rig.js';

const NOTIFICATION: PushNotification = { service: 'apns', device_id: 'a'.repeat(64), mode: 'prod', alert: { title: 't', body: 'b' } };

/** A promise the test settles: the server holds the request until then. */
function held(): { answer: Promise<ProgrammedAnswer>; release(): void } {
  let release!: () => void;
  const answer = new Promise<ProgrammedAnswer>((r) => (release = () => r({ status: 200, body: 'null' })));
  return { answer, release };
}

describe('the dispatcher', () => {
  let server: RecordingServer;
  before(async () => (server = await startRecordingServer()));
  after(() => server.close());

  test('with every connection busy and the queue full, one more is refused at once; the queue then drains in order', async () => {
    const remote = new RemotePushDispatcher({ url: server.url, apiVersion: 'v3', connections: 1, maxPending: 2, requestTimeoutMs: 5_000 });
    const hold = held();
    server.answer(hold.answer);
    const before = server.requests.length;
    const sends: Promise<PushOutcome>[] = [];
    for (let i = 0; i < 3; i++) sends.push(remote.send({ ...NOTIFICATION, device_id: `device${i}` }));
    assert.equal(remote.inFlight, 1);
    assert.equal(remote.queued, 2);
    assert.throws(() => remote.send(NOTIFICATION), (e: unknown) => isHeraldError(e, 'HERALD_MAILBOX_FULL'));

    await server.received(before + 1);
    hold.release();
    const outcomes = await Promise.all(sends);
    assert.ok(outcomes.every((o) => o.ok));
    assert.deepEqual(
      server.requests.slice(before).map((r) => r.path),
      [0, 1, 2].map((i) => `/v3/notification/device${i}`),
    );
    await remote.close();
  });

  test('max_pending 0: no waiting at all beyond the connections', async () => {
    const remote = new RemotePushDispatcher({ url: server.url, apiVersion: 'v3', connections: 1, maxPending: 0, requestTimeoutMs: 5_000 });
    const hold = held();
    server.answer(hold.answer);
    const first = remote.send(NOTIFICATION);
    assert.throws(() => remote.send(NOTIFICATION), (e: unknown) => isHeraldError(e, 'HERALD_MAILBOX_FULL'));
    hold.release();
    assert.ok((await first).ok);
    await remote.close();
  });

  test('closing fails the waiting notifications with HERALD_SHUTTING_DOWN', async () => {
    const remote = new RemotePushDispatcher({ url: server.url, apiVersion: 'v3', connections: 1, maxPending: 1, requestTimeoutMs: 5_000 });
    const hold = held();
    server.answer(hold.answer);
    const first = remote.send(NOTIFICATION);
    const waiting = remote.send(NOTIFICATION);
    const closing = remote.close();
    await assert.rejects(waiting, (e: unknown) => isHeraldError(e, 'HERALD_SHUTTING_DOWN'));
    hold.release();
    assert.ok((await first).ok);
    await closing;
  });
});

describe('the App Server over a full bridge', () => {
  test('answers wait/resource-constraint, and delivers again once the bridge has room', async () => {
    const rig = await startBridgeRig({ connections: 1, max_pending: 0 });
    try {
      const hold = held();
      rig.server.answer(hold.answer);
      const first = rig.publish({ service: 'apns', device_id: 'a'.repeat(64) });
      await rig.server.received(1);
      assert.equal(await rig.publish({ service: 'apns', device_id: 'b'.repeat(64) }), 'wait/resource-constraint');
      hold.release();
      assert.equal(await first, 'result');
      assert.equal(await rig.publish({ service: 'apns', device_id: 'b'.repeat(64) }), 'result');
      assert.equal(rig.server.requests.length, 2);
    } finally {
      await rig.close();
    }
  });
});
