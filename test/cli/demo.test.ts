import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDemo } from '../../src/cli/demo.js';

test('the demo walks the whole path and prints the publish IQ and the APNS request', async () => {
  const lines: string[] = [];
  await runDemo((line) => lines.push(line));
  const out = lines.join('\n');
  assert.match(out, /<iq type="result" id="create-1"/);
  assert.match(out, /<iq type="result" id="enable-1"/);
  assert.match(out, /to="push\.example\.net"[^>]*><pubsub[^]*<notification xmlns="urn:xmpp:push:0">/);
  assert.match(out, /POST \/3\/device\/(c0ffee){10}c0ff/);
  assert.match(out, /apns-push-type: alert/);
  assert.match(out, /"body": "Wherefore art thou, Romeo\?"/);
  assert.match(out.split('\n').slice(-2).join('\n'), /npm start[^]*push inbox[^]*http:\/\/127\.0\.0\.1:8025\//, 'the demo ends by pointing at the inbox');
});
