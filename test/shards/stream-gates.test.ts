/**
 * The two halves of RFC 6120 §4.9 across shards wired to each other directly (the main thread's
 * StreamGates, one HeldStanzas per shard), without threads: what each shard acts on, in which
 * order, and what it drops after a refusal, whatever order the shards read in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import { HeldStanzas } from '../../src/shards/held-stanzas.js';
import type { ToShard } from '../../src/shards/shard-protocol.js';
import { StreamGates } from '../../src/shards/stream-gates.js';
import { InboundStream } from '../../src/xmpp/inbound-stream.js';

function rig(shards: number) {
  const acted: Array<[shard: number, seq: number]> = [];
  const dropped: Array<[shard: number, seq: number]> = [];
  const held = Array.from({ length: shards }, (_, i) => new HeldStanzas((seq) => void acted.push([i, seq]), (seq) => void dropped.push([i, seq])));
  const gates = new StreamGates(shards, (shard, item) => deliver(shard, item));
  /** Items a shard got and has not handled yet (the port between the threads). */
  const inbox: ToShard[][] = Array.from({ length: shards }, () => []);
  const deliver = (shard: number, item: ToShard) => inbox[shard]!.push(item);
  let seq = 0;
  const stream = new InboundStream();
  return {
    acted,
    dropped,
    gates,
    send(shard: number): number {
      deliver(shard, gates.handOver(stream, ++seq, shard, `<message id='${seq}'/>`));
      return seq;
    },
    /** Shard `shard` handles what it got: each stanza read (refused if in `refuse`), then release and drop. */
    run(shard: number, refuse: readonly number[] = []): void {
      for (const item of inbox[shard]!.splice(0)) {
        if (item[0] === 'streamed') {
          const [, s, , id, free] = item;
          if (refuse.includes(s)) {
            held[shard]!.refused(id, s);
            gates.refuse(s);
          } else {
            held[shard]!.read(id, s, xml('message'), free);
            gates.read(s);
          }
        } else if (item[0] === 'release') held[shard]!.release(item[1], item[2]);
        else if (item[0] === 'drop') held[shard]!.drop(item[1], item[2]);
      }
      gates.flush();
    },
    heldStreams: () => held.reduce((n, h) => n + h.size, 0),
  };
}

test('stanzas of a stream on one shard are free: acted on as they are read, in order', () => {
  const r = rig(2);
  for (let i = 0; i < 3; i++) r.send(0);
  r.run(0);
  assert.deepEqual(r.acted, [[0, 1], [0, 2], [0, 3]]);
  assert.equal(r.heldStreams(), 0);
});

test('a stanza behind an unread one on another shard waits until that one is read', () => {
  const r = rig(2);
  r.send(0);
  r.send(1);
  r.run(1);
  assert.deepEqual(r.acted, [], 'shard 1 held stanza 2');
  r.run(0);
  assert.deepEqual(r.acted, [[0, 1]]);
  r.run(1); // the release
  assert.deepEqual(r.acted, [[0, 1], [1, 2]]);
  assert.equal(r.heldStreams(), 0);
});

test('after a refusal nothing later on the stream is acted on, on the same shard or another, and the shards forget the stream', () => {
  const r = rig(2);
  r.send(0); // 1: read fine
  r.send(0); // 2: refused
  r.send(1); // 3: on the other shard
  r.send(0); // 4: behind the refusal, same shard
  r.run(1);
  r.run(0, [2]);
  r.run(1);
  r.run(0);
  assert.deepEqual(r.acted, [[0, 1]]);
  assert.deepEqual(r.dropped.sort(), [[0, 4], [1, 3]]);
  assert.equal(r.gates.refused(new InboundStream()), false, 'another stream is not refused');
  assert.equal(r.heldStreams(), 0);
});
