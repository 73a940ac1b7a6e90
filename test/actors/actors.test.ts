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

function setup(options: Partial<{ capacity: number; shardSize: number; passivateAfterMs: number; maxLive: number }> = {}) {
  const runtime = startActorRuntime();
  const persisted = new Map<string, number>();
  const built: string[] = [];
  const crashes: unknown[] = [];
  const registry = new ActorRegistry<Msg, number>(runtime.system, counterFactory(persisted, built), {
    kind: 'counter',
    mailboxCapacity: options.capacity ?? 16,
    shardSize: options.shardSize ?? 1000,
    passivateAfterMs: options.passivateAfterMs ?? 0,
    maxLive: options.maxLive ?? 1_000_000,
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

test('past the live cap the least recently used idle actor is stopped, whatever its age', async () => {
  const s = setup({ maxLive: 3 });
  try {
    for (const k of ['a', 'b', 'c']) await s.registry.ask(k, { op: 'add', n: 1 });
    await s.registry.ask('a', { op: 'add', n: 1 }); // a is now the most recently used: b goes first
    await s.registry.ask('d', { op: 'add', n: 5 });
    assert.equal(s.registry.size, 3);
    assert.equal(s.registry.evicted, 1);
    assert.equal(s.registry.has('b'), false);
    assert.ok(s.registry.has('a') && s.registry.has('c') && s.registry.has('d'));
    // The evicted actor comes back with its persisted state.
    assert.equal(await s.registry.ask('b', { op: 'get' }), 1);
    assert.equal(s.registry.has('c'), false, 'c was then the least recently used');
    assert.equal(s.registry.size, 3);
  } finally {
    await s.close();
  }
});

test('an actor at work is never evicted by the live cap; the idle ones behind it are', async () => {
  const s = setup({ maxLive: 2 });
  try {
    let release!: () => void;
    const until = new Promise<void>((r) => (release = r));
    const blocked = s.registry.ask('busy', { op: 'block', until });
    await s.registry.ask('idle', { op: 'add', n: 1 });
    await s.registry.ask('new', { op: 'add', n: 1 });
    assert.equal(s.registry.has('busy'), true, 'busy is the least recently used, but working');
    assert.equal(s.registry.has('idle'), false);
    // Working actors may take the registry past its cap; it comes back once they are idle.
    await s.registry.ask('newer', { op: 'add', n: 1 });
    assert.equal(s.registry.size, 2);
    release();
    assert.equal(await blocked, 0);
    await s.registry.ask('newest', { op: 'add', n: 1 });
    assert.equal(s.registry.has('busy'), false);
    assert.equal(s.registry.size, 2);
  } finally {
    await s.close();
  }
});

test('2 000 keys through a cap of 100 keep the live actors bounded and every value', async () => {
  const s = setup({ maxLive: 100 });
  try {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2_000; i += 200) {
        await Promise.all(Array.from({ length: 200 }, (_, j) => s.registry.ask(`k${i + j}`, { op: 'add', n: 1 })));
        assert.ok(s.registry.size <= 200, `live ${s.registry.size}`);
      }
    }
    const values = await Promise.all(Array.from({ length: 2_000 }, (_, i) => s.registry.ask(`k${i}`, { op: 'get' })));
    assert.ok(values.every((v) => v === 2));
  } finally {
    await s.close();
  }
});

test('a stale mark is kept for live actors only, taken once, and goes with its actor', async () => {
  const s = setup({ passivateAfterMs: 1_000_000 });
  try {
    await s.registry.ask('live@x', { op: 'get' });
    await s.registry.ask('other@x', { op: 'get' });
    s.registry.markStale('not-live@x');
    assert.equal(s.registry.takeStale('not-live@x'), false, 'a key without a live actor is not marked');
    s.registry.markStale('live@x');
    assert.equal(s.registry.takeStale('other@x'), false, 'only the key named');
    assert.equal(s.registry.takeStale('live@x'), true);
    assert.equal(s.registry.takeStale('live@x'), false, 'taken once');
    s.registry.markStale(undefined);
    assert.equal(await s.registry.passivateIdle(Date.now() + 2_000_000), 2);
    await s.registry.ask('live@x', { op: 'get' });
    assert.equal(s.registry.takeStale('live@x'), false, 'the mark went with the passivated actor');
  } finally {
    await s.close();
  }
});

test('a stale mark reaches an actor whose mailbox is full', async () => {
  const s = setup({ capacity: 2 });
  let release!: () => void;
  const until = new Promise<void>((resolve) => (release = resolve));
  try {
    const blocked = s.registry.ask('busy@x', { op: 'block', until });
    const queued = [s.registry.ask('busy@x', { op: 'get' })];
    assert.throws(() => s.registry.tell('busy@x', { op: 'get' }), (e: unknown) => isHeraldError(e, 'HERALD_MAILBOX_FULL'));
    s.registry.markStale('busy@x');
    release();
    await Promise.all([blocked, ...queued]);
    assert.equal(s.registry.takeStale('busy@x'), true);
  } finally {
    await s.close();
  }
});
