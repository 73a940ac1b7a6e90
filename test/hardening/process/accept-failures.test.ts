/**
 * A listener out of file descriptors: the accept errors Node emits (syscall accept, EMFILE or
 * ENFILE, when libuv's reserved descriptor is gone) are one log line, not one per connection;
 * the listener pauses, then serves again on the same port by itself. Other errors pass through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { guardAccept } from '../../../src/core/accept-failures.js';
import { recordingLogger } from './harness.js';
import { eventually } from '../../support/eventually.js';
import { accepts } from '../../support/loopback.js';

function acceptError(code: 'EMFILE' | 'ENFILE'): NodeJS.ErrnoException {
  return Object.assign(new Error(`accept ${code}`), { code, errno: code === 'EMFILE' ? -24 : -23, syscall: 'accept' });
}

async function listening(): Promise<net.Server> {
  const server = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

test('a storm of EMFILE accept errors is one log line; the listener pauses and then serves again on its port', async () => {
  const server = await listening();
  const port = (server.address() as net.AddressInfo).port;
  const log = recordingLogger();
  const others: Error[] = [];
  const guard = guardAccept(server, { log, event: 'rest.accept_failed', pauseMs: 50, logIntervalMs: 60_000, onOtherError: (e) => others.push(e) });
  try {
    // What Node does when libuv cannot get its reserve back: one 'error' per pending connection.
    for (let i = 0; i < 1_000; i++) server.emit('error', acceptError(i % 2 === 0 ? 'EMFILE' : 'ENFILE'));
    assert.equal(server.listening, false, 'paused: the accept loop ends');
    assert.equal(guard.pauses, 1);
    const lines = log.events('rest.accept_failed');
    assert.equal(lines.length, 1, 'one line for the storm');
    assert.equal(lines[0]!.level, 'error');
    assert.equal(lines[0]!.fields.code, 'HERALD_ACCEPT_FAILED');

    await eventually(() => server.listening, 'listening again', 10_000);
    assert.equal((server.address() as net.AddressInfo).port, port, 'on the same port');
    assert.ok(await accepts(port), 'a client is served again');
    assert.deepEqual(others, []);
  } finally {
    guard.stop();
    server.close();
  }
});

test('an error other than running out of descriptors is handed on, and the listener keeps listening', async () => {
  const server = await listening();
  const others: Error[] = [];
  const guard = guardAccept(server, { log: recordingLogger(), event: 'x.accept_failed', pauseMs: 50, logIntervalMs: 60_000, onOtherError: (e) => others.push(e) });
  try {
    const other = Object.assign(new Error('accept ECONNABORTED'), { code: 'ECONNABORTED', syscall: 'accept' });
    server.emit('error', other);
    assert.deepEqual(others, [other]);
    assert.equal(server.listening, true);
  } finally {
    guard.stop();
    server.close();
  }
});

test('after stop() (the owner closes the server) a failure no longer re-listens', async () => {
  const server = await listening();
  const guard = guardAccept(server, { log: recordingLogger(), event: 'x.accept_failed', pauseMs: 20, logIntervalMs: 60_000, onOtherError: () => {} });
  server.emit('error', acceptError('EMFILE'));
  guard.stop();
  await new Promise<void>((resolve) => server.close(() => resolve())); // resolves once closed for good
  assert.equal(server.listening, false);
});
