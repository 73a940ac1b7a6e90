/**
 * `herald start` owns its process: an uncaught exception is logged once with a stable code and
 * ends the process with a non-zero status for its supervisor; an unhandled rejection is logged
 * and counted, and Herald keeps serving. The embedding API leaves the process's handlers alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleValue } from '../../e2e/rest-session.js';
import { cleanup, configIn, startHerald, tempDir } from '../../e2e/harness.js';
import { launchHerald } from './cli-process.js';
import { SECRET_BEARER, SECRET_TOKEN } from './fault-injector.js';
import { eventually } from '../../support/eventually.js';

const INJECTOR = new URL('./fault-injector.js', import.meta.url).href;

function injected(fault: 'throw' | 'reject') {
  return launchHerald({ nodeArgs: ['--import', INJECTOR], env: { HERALD_TEST_FAULT: fault } });
}

test('an uncaught exception in herald start is logged with HERALD_UNCAUGHT_EXCEPTION, redacted, and the process exits 70', async () => {
  const h = await injected('throw');
  try {
    h.child.kill('SIGUSR2');
    const { code } = await h.exited;
    assert.equal(code, 70, h.stderr());
    const lines = h.log.filter((l) => l.event === 'process.uncaught_exception');
    assert.equal(lines.length, 1, h.stderr());
    const line = lines[0]!;
    assert.equal(line.level, 'error');
    assert.equal(line.code, 'HERALD_UNCAUGHT_EXCEPTION');
    assert.equal(line.exit_code, 70);
    assert.match(String((line.error as { message: string }).message), /^injected throw for device/);
    assert.ok(Array.isArray(line.stack) && (line.stack as string[]).some((frame) => frame.includes('fault-injector')), 'the frames say where it was thrown');
    assert.ok(!h.stderr().includes(SECRET_TOKEN), 'no device token in the log');
    assert.ok(!h.stderr().includes(SECRET_BEARER), 'no credential in the log');
  } finally {
    await h.stop();
  }
});

test('an unhandled rejection in herald start is logged with HERALD_UNHANDLED_REJECTION and counted, and Herald keeps serving', async () => {
  const h = await injected('reject');
  try {
    for (let i = 1; i <= 3; i++) {
      h.child.kill('SIGUSR2');
      await eventually(async () => sampleValue((await h.request('GET', '/metrics')).body, 'herald_process_unhandled_rejections_total') === i, `rejection ${i} counted`, 10_000);
    }
    assert.equal(h.child.exitCode, null, 'still running');
    assert.equal((await h.request('GET', '/healthcheck')).status, 200);
    const lines = h.log.filter((l) => l.event === 'process.unhandled_rejection');
    assert.equal(lines.length, 1, 'repeats are folded into the next interval line, not one line each');
    assert.equal(lines[0]!.code, 'HERALD_UNHANDLED_REJECTION');
    assert.equal(lines[0]!.level, 'error');
    assert.ok(!h.stderr().includes(SECRET_TOKEN) && !h.stderr().includes(SECRET_BEARER), 'redacted');
    h.child.kill('SIGTERM');
    assert.equal((await h.exited).code, 0, 'a normal stop afterwards');
  } finally {
    await h.stop();
  }
});

test('the embedding API installs no process-level handler: the host owns the process', async () => {
  const before = { exception: process.listenerCount('uncaughtException'), rejection: process.listenerCount('unhandledRejection') };
  const dir = tempDir();
  const { close } = await startHerald(configIn(dir, { fcm: { enabled: false }, simulators: { fcm: { enabled: false } } }));
  try {
    assert.equal(process.listenerCount('uncaughtException'), before.exception);
    assert.equal(process.listenerCount('unhandledRejection'), before.rejection);
  } finally {
    await close();
    cleanup(dir);
  }
});
