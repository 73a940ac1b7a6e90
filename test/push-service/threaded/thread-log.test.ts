/**
 * A sender thread's HTTP/2 connections log through the main thread's logger (core/log-relay.ts):
 * their lines arrive redacted, whole, and named with the pool and thread.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { validateConfig } from '../../../src/core/config/load.js';
import { createLogger } from '../../../src/core/log.js';
import { ThreadedApnsPushService } from '../../../src/push-service/threaded/threaded-apns-service.js';
import { startApnsSimulator } from '../../../src/simulators/apns/index.js';
import { eventually } from '../../support/eventually.js';

const TEAM = 'TEAM123456';
const KEY_ID = 'KEY1234567';

test("a sender thread's connection lines reach the main thread's logger, naming the pool and thread", async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  const config = validateConfig({ apns: { team_id: TEAM, key_id: KEY_ID, connections: 1, sender_threads: 1 } });
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('debug', (text) => lines.push(JSON.parse(text) as Record<string, unknown>));
  const service = await ThreadedApnsPushService.start(config.apns, 64, {
    endpoint: sim.url,
    ca: sim.ca,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    log,
    pool: 'apns-prod',
  });
  const token = 'ab'.repeat(32);
  try {
    sim.program(token, { fault: 'goaway', times: 1 });
    const outcome = await service.send({ service: 'apns', device_id: token, mode: 'prod', topic: 'com.example.app', alert: { title: 'romeo', body: 'hello' } });
    assert.equal(outcome.ok, true);
    const of = (event: string) => lines.filter((l) => l.event === event);
    await eventually(() => of('apns.connection.connected').length === 2, 'the second session connected', 10_000);
    const [goaway] = of('apns.connection.goaway');
    assert.deepEqual([goaway?.pool, goaway?.thread, goaway?.code], ['apns-prod', 0, 0]);
    assert.match(String(goaway?.sender), /^apns-sender-/);
    assert.ok(!JSON.stringify(lines).includes(token), 'no device token in the lines');
  } finally {
    await service.close();
    await sim.close();
  }
});
