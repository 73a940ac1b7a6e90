import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameCategory, sampleCategory, type Frame } from '../../bench/rest/profile-categories.js';

const DIST = 'file:///srv/herald/dist/';
const herald = (path: string, functionName = 'f'): Frame => ({ functionName, url: `${DIST}src/${path}.js` });
const node = (module: string, functionName = 'f'): Frame => ({ functionName, url: `node:${module}` });
const native = (functionName: string): Frame => ({ functionName, url: '' });

describe('REST profile categories', () => {
  it('counts shared machinery for its caller: a Buffer copy while reading a body is body read', () => {
    const stack = [native('copy'), node('buffer'), herald('rest/notification-exchange', 'onData'), node('events', 'emit')];
    assert.equal(sampleCategory(stack), 'REST body read');
  });

  it('tells the exchange’s functions apart within one module', () => {
    assert.equal(frameCategory(herald('rest/notification-exchange', 'onEnd')), 'REST JSON.parse + validation');
    assert.equal(frameCategory(herald('rest/notification-exchange', 'handleRequest')), 'REST routing, limits, auth');
    assert.equal(frameCategory(herald('rest/notification-exchange', 'dispatch')), 'REST dispatch + answer');
  });

  it('puts node:http2’s async-hooks and deprecation wrappers under the HTTP/2 client that called them', () => {
    const stack = [node('internal/util', 'deprecate'), node('async_hooks', 'bind'), node('internal/http2/core', 'request'), herald('push-service/http2/connection', 'request')];
    assert.equal(sampleCategory(stack), 'HTTP/2 client (node:http2 + connection)');
  });

  it('names V8’s pseudo-frames and the native postMessage', () => {
    assert.equal(sampleCategory([native('(garbage collector)')]), 'GC (main-thread pauses)');
    assert.equal(sampleCategory([native('(idle)')]), 'idle');
    assert.equal(sampleCategory([native('postMessage'), herald('push-service/threaded/sender-thread-handle', 'flush')]), 'cross-thread messages');
  });

  it('counts an event-loop queue’s own time as such, and an unknown stack as other JS', () => {
    assert.equal(sampleCategory([node('internal/process/task_queues', 'processTicksAndRejections')]), 'promises, ticks, immediates');
    assert.equal(sampleCategory([node('events', 'emit'), native('(root)')]), 'other JS');
  });

  it('reads a socket write under a TLS socket as socket work, and the relay’s own code apart', () => {
    assert.equal(sampleCategory([native('writev'), node('internal/stream_base_commons', 'writevGeneric'), node('net', 'Socket._writeGeneric')]), 'TCP/TLS socket (write: encrypt + send)');
    assert.equal(frameCategory({ functionName: 'forward', url: `${DIST}bench/rest/bare-relay-main.js` }), 'bare relay code');
  });
});
