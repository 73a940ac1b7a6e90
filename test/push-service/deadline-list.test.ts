import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlineList, type DeadlineEntry } from '../../src/push-service/deadline-list.js';

class Entry implements DeadlineEntry {
  deadlineAt = Number.NaN;
  previousDeadline: DeadlineEntry | undefined = undefined;
  nextDeadline: DeadlineEntry | undefined = undefined;
  constructor(readonly name: string) {}
}

/** A list whose expiries are recorded in order and awaited by name. */
function recordingList(timeoutMs: number) {
  const expired: string[] = [];
  const waiting = new Map<string, () => void>();
  const list = new DeadlineList<Entry>(timeoutMs, (e) => {
    expired.push(e.name);
    waiting.get(e.name)?.();
  });
  const expiryOf = (name: string) => new Promise<void>((resolve) => waiting.set(name, resolve));
  return { list, expired, expiryOf };
}

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('entries expire in the order they were added, each once', async () => {
  const { list, expired, expiryOf } = recordingList(5);
  const last = expiryOf('c');
  for (const name of ['a', 'b', 'c']) list.add(new Entry(name));
  await last;
  assert.deepEqual(expired, ['a', 'b', 'c']);
});

test('a removed entry never expires, whether it was the head, in the middle or the tail', async () => {
  const { list, expired, expiryOf } = recordingList(5);
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => new Entry(n));
  const done = expiryOf('c');
  for (const e of [a!, b!, c!, d!]) list.add(e);
  list.remove(a!);
  list.remove(b!);
  list.remove(d!);
  await done;
  assert.deepEqual(expired, ['c']);
});

test('removing an entry twice, or after it expired, changes nothing', async () => {
  const { list, expired, expiryOf } = recordingList(5);
  const a = new Entry('a');
  const b = new Entry('b');
  const done = expiryOf('b');
  list.add(a);
  list.remove(a);
  list.remove(a);
  list.add(b);
  await done;
  list.remove(b);
  assert.deepEqual(expired, ['b']);
});

test('an entry added while others expire still gets its whole time, then expires', async () => {
  const expired: string[] = [];
  let late: Promise<void> | undefined;
  let lateExpired!: () => void;
  const list: DeadlineList<Entry> = new DeadlineList<Entry>(5, (e) => {
    expired.push(e.name);
    if (e.name === 'first') {
      late = new Promise((resolve) => (lateExpired = resolve));
      list.add(new Entry('added on expiry'));
    } else lateExpired();
  });
  const added = new Entry('first');
  list.add(added);
  while (late === undefined) await new Promise((r) => setImmediate(r));
  assert.deepEqual(expired, ['first'], 'the new entry is not expired with the one that was due');
  await late;
  assert.deepEqual(expired, ['first', 'added on expiry']);
});

test('an empty list holds no timer, so it never keeps the process alive', () => {
  const before = timers();
  const list = new DeadlineList<Entry>(60_000, () => assert.fail('nothing expires'));
  const a = new Entry('a');
  const b = new Entry('b');
  list.add(a);
  list.add(b);
  assert.equal(timers(), before + 1, 'one timer for all entries');
  list.remove(a);
  assert.equal(timers(), before + 1);
  list.remove(b);
  assert.equal(timers(), before, 'the last removal clears it');
  list.add(a);
  list.clear();
  assert.equal(timers(), before);
});
