/**
 * A sender thread's HTTP/2 connections log through the main thread's logger (core/log-relay.ts):
 * their lines arrive redacted, whole, and named with the pool and thread.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../../src/core/log.js';
import { eventually } from '../../support/eventually.js';
import { alert, startThreadedPool, TOKEN } from './thread-rig.js';

test("a sender thread's connection lines reach the main thread's logger, naming the pool and thread", async () => {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('debug', (text) => lines.push(JSON.parse(text) as Record<string, unknown>));
  const { sim, service } = await startThreadedPool({ connections: 1, sender_threads: 1 }, 64, { log });
  try {
    sim.program(TOKEN, { fault: 'goaway', times: 1 });
    const outcome = await service.send(alert(TOKEN));
    assert.equal(outcome.ok, true);
    const of = (event: string) => lines.filter((l) => l.event === event);
    await eventually(() => of('apns.connection.connected').length === 2, 'the second session connected', 10_000);
    const [goaway] = of('apns.connection.goaway');
    assert.deepEqual([goaway?.pool, goaway?.thread, goaway?.code], [service.name, 0, 0]);
    assert.match(String(goaway?.sender), /^apns-sender-/);
    assert.ok(!JSON.stringify(lines).includes(TOKEN), 'no device token in the lines');
  } finally {
    await service.close();
    await sim.close();
  }
});
