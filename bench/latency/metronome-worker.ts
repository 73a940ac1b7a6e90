/**
 * The metronome's thread (see metronome.ts). For each schedule it gets, it sleeps in
 * `Atomics.wait` until the next send is due — a blocking sleep with sub-millisecond precision,
 * where a timer on an event loop has 1 ms granularity — then, unless the main thread has already
 * sent it (it publishes its count of sends in the shared array), posts the number of sends due.
 * It posts 'done' after the last send, or as soon as the main thread raises the stop flag.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { clockFrom } from './clock.js';
import { SENT, STOP } from './metronome-slots.js';
import { dueBy, scheduledAt, type Schedule } from './schedule.js';

const { base, shared } = workerData as { base: bigint; shared: SharedArrayBuffer };
const clock = clockFrom(base);
const slots = new Int32Array(shared);
const port = parentPort!;

port.on('message', (s: Schedule) => {
  let covered = 0;
  while (covered < s.count && Atomics.load(slots, STOP) === 0) {
    const waitMs = scheduledAt(s, covered) - clock();
    if (waitMs > 0) {
      Atomics.wait(slots, STOP, 0, waitMs);
      continue;
    }
    // Everything due by now goes in one message: a late wake-up still sends them all.
    covered = dueBy(s, clock());
    if (Atomics.load(slots, SENT) < covered) port.postMessage(covered);
  }
  port.postMessage('done');
});
