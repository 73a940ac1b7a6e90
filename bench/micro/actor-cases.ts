/**
 * One actor hop: `ActorRegistry.ask` to a live actor and back (a user's or a push node's actor
 * takes every message this way). Timed one ask at a time, so this is round-trip latency, not the
 * pipelined dispatch rate of the baseline (0.7M msg/s). The spread case keeps `scale.actors`
 * actors alive and asks them in turn, as traffic over many users does.
 */
import assert from 'node:assert/strict';
import { ActorRegistry, startActorRuntime, type Behaviour } from '../../src/actors/index.js';
import type { MicroCase, MicroScale, MicroSuite } from './case.js';

/** Config defaults: actors.mailbox_capacity, actors.shard_size and actors.stop_batch_size. */
const MAILBOX_CAPACITY = 256;
const SHARD_SIZE = 1_000;
const STOP_BATCH_SIZE = 1_000;

/** Answers with its own key, so a check can see the message reached the right actor. */
function echo(key: string): () => Behaviour<number, string> {
  return () => ({ handle: (n: number) => `${key}#${n}` });
}

export function actorCases(scale: MicroScale): MicroSuite {
  const runtime = startActorRuntime();
  const registry = new ActorRegistry<number, string>(runtime.system, echo, {
    kind: 'bench',
    mailboxCapacity: MAILBOX_CAPACITY,
    shardSize: SHARD_SIZE,
    passivateAfterMs: 0, // no sweep: every actor stays live while timed
    maxLive: Number.MAX_SAFE_INTEGER, // nor eviction
    stopBatchSize: STOP_BATCH_SIZE,
  });
  const keys = Array.from({ length: scale.actors }, (_, i) => `user${i}@example.com`);
  for (const key of keys) registry.get(key); // spawned up front: the hop is timed, not the spawn
  const hot = keys[0]!;
  let next = 0;

  const one: MicroCase = {
    name: 'actor hop: ask round trip, 1 actor',
    async: true,
    run: () => registry.ask(hot, 41),
    async check() {
      assert.equal(await registry.ask(hot, 41), `${hot}#41`);
    },
  };
  const spread: MicroCase = {
    name: `actor hop: ask round trip, ${scale.actors.toLocaleString('en')} actors`,
    async: true,
    run: () => {
      const key = keys[next]!;
      next = (next + 1) % keys.length;
      return registry.ask(key, next);
    },
    async check() {
      assert.equal(registry.size, scale.actors);
      assert.equal(registry.shardCount, Math.ceil(scale.actors / SHARD_SIZE), 'no parent holds more than shard_size');
      const sample = [0, 1, Math.floor(keys.length / 2), keys.length - 1];
      const answers = await Promise.all(sample.map((i) => registry.ask(keys[i]!, i)));
      assert.deepEqual(answers, sample.map((i) => `${keys[i]}#${i}`));
      assert.equal(registry.size, scale.actors, 'asking live actors spawns none');
    },
  };
  return {
    cases: [one, spread],
    async close() {
      await registry.stopAll();
      runtime.stop();
    },
  };
}
