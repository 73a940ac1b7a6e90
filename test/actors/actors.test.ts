import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActorRegistry, startActorRuntime, type Behaviour } from '../../src/actors/index.js';
import { isHeraldError } from '../../src/core/errors.js';

type Msg = { op: 'add'; n: number } | { op: 'get' } | { op: 'crash' } | { op: 'block'; until: Promise<void> };

/** A counter whose "persisted" value lives outside the actor, like an LMDB-backed state. */
function counterFactory(persisted: Map<string, number>, built: string[]) {
  return (key: string) => (): Behaviour<Msg, number> => {
    built.push(key);
    let value = persisted.get(key) ?? 0;
    return {
      async handle(msg) {
        switch (msg.op) {
          case 'add':
            value += msg.n;
            persisted.set(key, value);
            return value;
          case 'get':
            return value;
          case 'crash':
            value = -999; // in-memory corruption that must not survive the crash
            throw new Error('boom');
          case 'block':
            await msg.until;
            return value;
        }
      },
    };
  };
}

function setup(options: Partial<{ capacity: number; shardSize: number; passivateAfterMs: number }> = {}) {
  const runtime = startActorRuntime();
  const persisted = new Map<string, number>();
  const built: string[] = [];
  const crashes: unknown[] = [];
  const registry = new ActorRegistry<Msg, number>(runtime.system, counterFactory(persisted, built), {
    kind: 'counter',
    mailboxCapacity: options.capacity ?? 16,
    shardSize: options.shardSize ?? 1000,
    passivateAfterMs: options.passivateAfterMs ?? 0,
    stopBatchSize: 100,
    onCrash: (e) => crashes.push(e),
  });
  return {
    registry,
    persisted,
    built,
    crashes,
    close: async () => {
      await registry.stopAll();
      runtime.stop();
    },
  };
}

test('messages to one key are handled in order by one actor', async () => {
  const s = setup();
  try {
    const results = await Promise.all([1, 2, 3, 4].map((n) => s.registry.ask('a@x', { op: 'add', n })));
    assert.deepEqual(results, [1, 3, 6, 10]);
    assert.deepEqual(s.built, ['a@x']);
  } finally {
    await s.close();
  }
});

test('a send to a full mailbox is refused at once with HERALD_MAILBOX_FULL', async () => {
  const s = setup({ capacity: 2 });
  try {
    let release!: () => void;
    const until = new Promise<void>((r) => (release = r));
    const first = s.registry.ask('a@x', { op: 'block', until });
    await new Promise((r) => setImmediate(r)); // the first message is being handled now
    const queued = [s.registry.ask('a@x', { op: 'add', n: 1 }), s.registry.ask('a@x', { op: 'add', n: 1 })];
    assert.throws(() => s.registry.tell('a@x', { op: 'add', n: 1 }), (e: unknown) => isHeraldError(e, 'HERALD_MAILBOX_FULL'));
    assert.equal(s.registry.get('a@x').depth, 2);
    release();
    await first;
    assert.deepEqual(await Promise.all(queued), [1, 2]);
    // room again once drained
    assert.equal(await s.registry.ask('a@x', { op: 'add', n: 1 }), 3);
  } finally {
    await s.close();
  }
});

test('a crashed actor restarts from its persisted state and keeps serving', async () => {
  const s = setup();
  try {
    await s.registry.ask('a@x', { op: 'add', n: 5 });
    await assert.rejects(s.registry.ask('a@x', { op: 'crash' }), /boom/);
    assert.equal(await s.registry.ask('a@x', { op: 'get' }), 5);
    assert.equal(s.crashes.length, 1);
    assert.deepEqual(s.built, ['a@x', 'a@x']);
  } finally {
    await s.close();
  }
});

test('idle actors are passivated and come back with their persisted state', async () => {
  const s = setup({ passivateAfterMs: 1_000_000 });
  try {
    await s.registry.ask('a@x', { op: 'add', n: 7 });
    assert.equal(s.registry.size, 1);
    assert.equal(await s.registry.passivateIdle(Date.now() + 2_000_000), 1);
    assert.equal(s.registry.size, 0);
    assert.equal(await s.registry.ask('a@x', { op: 'get' }), 7);
    assert.deepEqual(s.built, ['a@x', 'a@x']);
  } finally {
    await s.close();
  }
});

test('an actor with messages waiting is never passivated', async () => {
  const s = setup({ passivateAfterMs: 1 });
  try {
    let release!: () => void;
    const until = new Promise<void>((r) => (release = r));
    const pending = s.registry.ask('a@x', { op: 'block', until });
    await new Promise((r) => setImmediate(r));
    assert.equal(await s.registry.passivateIdle(Date.now() + 10_000), 0);
    release();
    await pending;
  } finally {
    await s.close();
  }
});

test('actors are spread over shard parents of bounded size', async () => {
  const s = setup({ shardSize: 10 });
  try {
    const keys = Array.from({ length: 35 }, (_, i) => `u${i}@x`);
    const values = await Promise.all(keys.map((k) => s.registry.ask(k, { op: 'add', n: 1 })));
    assert.ok(values.every((v) => v === 1));
    assert.equal(s.registry.size, 35);
    assert.equal(s.registry.shardCount, 4);
  } finally {
    await s.close();
  }
});

test('room freed in any shard by passivation is used before a new shard is spawned', async () => {
  const s = setup({ shardSize: 10, passivateAfterMs: 1_000_000 });
  try {
    await Promise.all(Array.from({ length: 30 }, (_, i) => s.registry.ask(`u${i}@x`, { op: 'add', n: 1 })));
    assert.equal(s.registry.shardCount, 3);
    assert.equal(await s.registry.passivateIdle(Date.now() + 2_000_000), 30);
    await Promise.all(Array.from({ length: 30 }, (_, i) => s.registry.ask(`v${i}@x`, { op: 'add', n: 1 })));
    assert.equal(s.registry.size, 30);
    assert.equal(s.registry.shardCount, 3);
  } finally {
    await s.close();
  }
});
