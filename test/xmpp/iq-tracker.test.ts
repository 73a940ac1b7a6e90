import type { Element } from '@xmpp/xml';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHeraldError } from '../../src/core/errors.js';
import { IqTracker } from '../../src/xmpp/iq-tracker.js';
import { parseStanza } from '../../src/xmpp/parse.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';

const stanza = (text: string): Element => parseStanza(text, 65_536);
const ping = (to = 'push.example.net') => stanza(`<iq type='get' to='${to}'><ping xmlns='urn:xmpp:ping'/></iq>`);

test('a result from the peer with the same id resolves the request', async () => {
  const tracker = new IqTracker({ timeoutMs: 1_000, maxOutstanding: 10 });
  let sent: Element | undefined;
  const answer = tracker.request(ping(), (iq) => {
    sent = iq;
  });
  const id = sent!.attrs.id as string;
  assert.ok(id, 'an id was assigned');
  assert.equal(tracker.handleResponse(stanza(`<iq type='result' from='Push.Example.net' id='${id}'/>`)), true);
  assert.equal((await answer).attrs.id, id);
  assert.equal(tracker.outstanding, 0);
});

test('an error reply rejects with its StanzaError', async () => {
  const tracker = new IqTracker({ timeoutMs: 1_000, maxOutstanding: 10 });
  const iq = ping();
  iq.attrs.id = 'fixed';
  const answer = tracker.request(iq, () => {});
  tracker.handleResponse(
    stanza(`<iq type='error' from='push.example.net' id='fixed'><error type='wait'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`),
  );
  await assert.rejects(answer, (e: unknown) => e instanceof StanzaError && e.type === 'wait' && e.condition === 'resource-constraint');
});

test('responses with an unknown id, from another peer, or of type get/set are ignored', async () => {
  const tracker = new IqTracker({ timeoutMs: 1_000, maxOutstanding: 10 });
  const iq = ping();
  iq.attrs.id = 'x';
  const answer = tracker.request(iq, () => {});
  assert.equal(tracker.handleResponse(stanza(`<iq type='result' from='push.example.net' id='y'/>`)), false);
  assert.equal(tracker.handleResponse(stanza(`<iq type='result' from='mallory.example' id='x'/>`)), false);
  assert.equal(tracker.handleResponse(stanza(`<iq type='result' id='x'/>`)), false);
  assert.equal(tracker.handleResponse(stanza(`<iq type='set' from='push.example.net' id='x'/>`)), false);
  assert.equal(tracker.handleResponse(stanza(`<message from='push.example.net' id='x'/>`)), false);
  assert.equal(tracker.outstanding, 1);
  assert.equal(tracker.handleResponse(stanza(`<iq type='result' from='push.example.net' id='x'/>`)), true);
  await answer;
  assert.equal(tracker.handleResponse(stanza(`<iq type='result' from='push.example.net' id='x'/>`)), false, 'answered once only');
});

test('a request without an answer rejects with HERALD_TIMEOUT after the timeout', async () => {
  const tracker = new IqTracker({ timeoutMs: 20, maxOutstanding: 10 });
  await assert.rejects(tracker.request(ping(), () => {}), (e: unknown) => isHeraldError(e, 'HERALD_TIMEOUT'));
  assert.equal(tracker.outstanding, 0);
});

test('a request beyond the outstanding limit is refused at once with HERALD_MAILBOX_FULL', async () => {
  const tracker = new IqTracker({ timeoutMs: 1_000, maxOutstanding: 2 });
  const first = tracker.request(ping(), () => {});
  const second = tracker.request(ping(), () => {});
  let sent = false;
  await assert.rejects(
    tracker.request(ping(), () => {
      sent = true;
    }),
    (e: unknown) => isHeraldError(e, 'HERALD_MAILBOX_FULL'),
  );
  assert.equal(sent, false, 'the refused request was not sent');
  tracker.close();
  await assert.rejects(first, (e: unknown) => isHeraldError(e, 'HERALD_SHUTTING_DOWN'));
  await assert.rejects(second, (e: unknown) => isHeraldError(e, 'HERALD_SHUTTING_DOWN'));
});

test('a send that fails rejects the request and frees its place', async () => {
  const tracker = new IqTracker({ timeoutMs: 1_000, maxOutstanding: 1 });
  await assert.rejects(
    tracker.request(ping(), () => {
      throw new Error('socket closed');
    }),
    /socket closed/,
  );
  await assert.rejects(tracker.request(ping(), () => Promise.reject(new Error('write failed'))), /write failed/);
  assert.equal(tracker.outstanding, 0);
});

test('a request reusing an id still awaiting the same peer is refused', async () => {
  const tracker = new IqTracker({ timeoutMs: 1_000, maxOutstanding: 10 });
  const a = ping();
  a.attrs.id = 'same';
  const b = ping();
  b.attrs.id = 'same';
  const first = tracker.request(a, () => {});
  await assert.rejects(tracker.request(b, () => {}), /already awaits/);
  tracker.close();
  await assert.rejects(first);
});

test('the options are validated, naming the bad one', () => {
  assert.throws(() => new IqTracker({ timeoutMs: 0, maxOutstanding: 1 }), /timeoutMs/);
  assert.throws(() => new IqTracker({ timeoutMs: 1, maxOutstanding: 1.5 }), /maxOutstanding/);
});
