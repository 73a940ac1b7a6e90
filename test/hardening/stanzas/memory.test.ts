/**
 * What hostile stanzas cost in memory: a never-closing 32 MiB element and 1 000 oversized IQs
 * leave the heap near its baseline once collected, and the element is cut at the stream cut-off
 * while it arrives, not after. (Before the strict parser: RSS 111 → 448 MiB and ~30 s busy for
 * the element; the link cut for each oversized IQ.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { EmbeddedRig, errorOf, freshId, heapAfterGc, NS_STREAMS, OWNER, DOMAIN, StreamRig } from './harness.js';
import { eventually } from '../../support/eventually.js';

const MiB = 1024 * 1024;
/** Heap a test may keep after collection: log lines, stats, JIT code; far below what it pushed through. */
const RETAINED_LIMIT = 4 * MiB;

const oversizedIq = (id: string): string =>
  `<iq type='get' id='${id}' from='${OWNER}' to='${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'>${'x'.repeat(70_000)}</query></iq>`;

test('a never-closing 32 MiB element is cut at the stream cut-off while it arrives, and the heap returns to its baseline', async () => {
  const rig = await StreamRig.start();
  try {
    await rig.publishServed();
    const baseline = await heapAfterGc();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const streamError = rig.server.next('stream-error', () => true, 20_000);
    const onlines = rig.link.stats.onlines;
    const chunk = 'x'.repeat(64 * 1024);
    const written = await rig.server.writeAll(
      (function* () {
        yield `<iq type='get' id='${freshId()}' to='${DOMAIN}'>`;
        for (let sent = 0; sent < 32 * MiB; sent += chunk.length) yield chunk;
      })(),
    );
    const [error] = await streamError;
    clearInterval(sampler);
    assert.ok(error.getChild('policy-violation', NS_STREAMS), error.toString());
    // The server stops once Herald closes: what it wrote is the cut-off plus what sockets buffer.
    assert.ok(written < 8 * MiB, `${written} bytes written before the stream was cut`);
    await rig.rejoined(onlines);
    await rig.publishServed();
    const retained = (await heapAfterGc()) - baseline;
    console.log(`32 MiB element: the server wrote ${written} bytes before the cut, heap peak +${((peak - baseline) / MiB).toFixed(1)} MiB, retained +${(retained / MiB).toFixed(2)} MiB`);
    assert.ok(peak - baseline < 16 * MiB, `heap peak +${peak - baseline} bytes`);
    assert.ok(retained < RETAINED_LIMIT, `retained +${retained} bytes`);
  } finally {
    await rig.close();
  }
});

test('1 000 oversized IQs on the component stream are each answered policy-violation on a stream that stays up, and the heap returns to its baseline', async () => {
  const rig = await StreamRig.start();
  try {
    await rig.publishServed();
    const baseline = await heapAfterGc();
    const ids = Array.from({ length: 1_000 }, () => freshId('big'));
    const answers = new Map<string, Element>();
    const wanted = new Set(ids);
    const onStanza = (el: Element): void => void (wanted.has(el.attrs.id as string) && answers.set(el.attrs.id as string, el));
    rig.server.on('stanza', onStanza);
    await rig.server.writeAll(ids.map(oversizedIq));
    await eventually(() => answers.size === ids.length, `1 000 answers (have ${answers.size})`, 30_000);
    rig.server.off('stanza', onStanza);
    assert.ok([...answers.values()].every((a) => a.attrs.type === 'error' && errorOf(a) === 'modify/policy-violation'));
    assert.deepEqual([rig.link.stats.onlines, rig.link.stats.streamErrors], [1, 0]);
    assert.equal(rig.link.stats.refused, 1_000);
    const refusalLines = rig.logs.filter((l) => l.event === 'component.stanza_refused');
    assert.equal(refusalLines.length, 1, 'one log line for the interval');
    await rig.publishServed();
    answers.clear();
    const retained = (await heapAfterGc()) - baseline;
    console.log(`1 000 oversized IQs on the stream: retained +${(retained / MiB).toFixed(2)} MiB`);
    assert.ok(retained < RETAINED_LIMIT, `retained +${retained} bytes`);
  } finally {
    await rig.close();
  }
});

test('1 000 oversized IQs through the embedding API are each answered policy-violation, and the heap returns to its baseline', async () => {
  const rig = await EmbeddedRig.start();
  try {
    await rig.publishServed();
    rig.routed.length = 0;
    const baseline = await heapAfterGc();
    for (let i = 0; i < 1_000; i++) {
      const id = freshId('big');
      await rig.herald.handleStanza(oversizedIq(id));
      const answer = rig.routed.pop();
      assert.equal(answer?.attrs.id, id);
      assert.equal(errorOf(answer!), 'modify/policy-violation');
    }
    await rig.publishServed();
    rig.routed.length = 0;
    const retained = (await heapAfterGc()) - baseline;
    console.log(`1 000 oversized IQs embedded: retained +${(retained / MiB).toFixed(2)} MiB`);
    assert.ok(retained < RETAINED_LIMIT, `retained +${retained} bytes`);
  } finally {
    await rig.close();
  }
});
