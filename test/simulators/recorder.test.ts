import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Recorder, type RecordEvent } from '../../src/simulators/shared/recorder.js';

interface Seen {
  token: string;
  n: number;
}
const KIND = { name: 'test simulator', noun: 'requests', reasonOf: (r: Seen) => String(r.n) };

describe('simulator recorder', () => {
  test('at the record limit the oldest record of that kind is dropped; counters and ids go on', () => {
    const recorder = new Recorder<Seen, Seen>(KIND, { record: true, recordLimit: 3 });
    for (let n = 1; n <= 5; n++) recorder.accept({ token: 't', n });
    recorder.reject({ token: 't', n: 6 });
    assert.deepEqual(recorder.received.map((r) => r.n), [3, 4, 5]);
    assert.equal(recorder.accepted, 5);
    const ids = recorder.received.map((r) => recorder.idOf(r)!);
    assert.deepEqual(ids.map((id) => id - ids[0]!), [0, 1, 2]);
    assert.equal(recorder.idOf(recorder.rejected[0]!), ids[2]! + 1);
  });

  test('two recorders (APNS and FCM) never give the same id: one sequence, in arrival order', () => {
    const apns = new Recorder<Seen, Seen>(KIND, { record: true, recordLimit: 10 });
    const fcm = new Recorder<Seen, Seen>(KIND, { record: true, recordLimit: 10 });
    apns.accept({ token: 'a', n: 1 });
    fcm.accept({ token: 'f', n: 2 });
    apns.reject({ token: 'a', n: 3 });
    const [first, second, third] = [apns.idOf(apns.received[0]!)!, fcm.idOf(fcm.received[0]!)!, apns.idOf(apns.rejected[0]!)!];
    assert.ok(first < second && second < third, `${first} < ${second} < ${third}`);
  });

  test('listeners get each kept record in arrival order, and nothing after unsubscribing', () => {
    const recorder = new Recorder<Seen, Seen>(KIND, { record: true, recordLimit: 10 });
    const events: RecordEvent<Seen, Seen>[] = [];
    const unsubscribe = recorder.subscribe((event) => events.push(event));
    recorder.accept({ token: 'a', n: 1 });
    recorder.reject({ token: 'b', n: 2 });
    recorder.fault({ token: 'c', fault: 'drop-connection', receivedAt: 0 });
    unsubscribe();
    recorder.accept({ token: 'a', n: 3 });
    assert.deepEqual(events.map((e) => [e.outcome, e.record.token]), [['accepted', 'a'], ['rejected', 'b'], ['faulted', 'c']]);
  });

  test('nothing is kept or told when not recording, or with a record limit of 0', () => {
    for (const keeping of [{ record: false, recordLimit: 10 }, { record: true, recordLimit: 0 }]) {
      const recorder = new Recorder<Seen, Seen>(KIND, keeping);
      let told = 0;
      recorder.subscribe(() => told++);
      recorder.accept({ token: 'a', n: 1 });
      recorder.reject({ token: 'a', n: 2 });
      assert.equal(recorder.received.length + recorder.rejected.length, 0);
      assert.equal(told, 0);
      assert.equal(recorder.accepted, 1);
    }
  });
});
