/**
 * Issue 8 finding 8: herald.close() with 1 000 000 users in memory ran out of heap, because every
 * live actor was stopped in one synchronous loop and nact holds each stop's context until the
 * end of its turn. Shutdown must need memory for a slice of stops, not for all users.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ActorRegistry, startActorRuntime, type Behaviour } from '../../../src/actors/index.js';
import { cleanup, tempDir } from './harness.js';
import { eventually } from '../../support/eventually.js';

const CHILD = fileURLToPath(new URL('./close-child.js', import.meta.url));
const USERS = 50_000;
/**
 * Old space of the child, in MiB. 50 000 live user actors take ~160 MiB; closing them in slices
 * needs little more (it passes down to ~165 MiB), stopping them all at once needed ~230 MiB.
 */
const HEAP_MIB = 192;
const CHILD_TIMEOUT_MS = 50_000;

test('closing Herald with 50 000 live user actors fits in the heap those users already need', async (t) => {
  const dir = tempDir();
  try {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, CHILD, dir, String(USERS)], {
      env: { ...process.env, HERALD_TEST_CHILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk.slice(0, 2_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(timer);
    const stages = stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, number | string>);
    const enabled = stages.find((s) => s.stage === 'enabled');
    const closed = stages.find((s) => s.stage === 'closed');
    assert.equal(enabled?.live, USERS, `not all users were live before close: ${stdout} ${stderr}`);
    assert.ok(closed, `close() did not finish (exit ${code ?? signal}): ${stderr.split('\n').slice(0, 3).join(' ')}`);
    assert.equal(code, 0);
    t.diagnostic(`${USERS} users: ${enabled.heapMiB} MiB of heap live, close() took ${closed.ms} ms, heap peak while closing ${closed.peakHeapMiB} MiB`);
  } finally {
    cleanup(dir);
  }
});

test('stopping many actors keeps at most stop_batch_size stops in flight, at shutdown and in passivation', async () => {
  const COUNT = 20_000;
  const BATCH = 500;
  for (const how of ['stopAll', 'passivateIdle'] as const) {
    const runtime = startActorRuntime();
    let stopsFinished = 0;
    let worst = 0;
    const registry: ActorRegistry<number, number> = new ActorRegistry(
      runtime.system,
      () => (): Behaviour<number, number> => ({
        handle: (n) => n,
        // nact's afterStop: the stop of this actor is over. Stops started and not over yet:
        stopped: () => {
          stopsFinished++;
          worst = Math.max(worst, COUNT - registry.size - stopsFinished + 1);
        },
      }),
      { kind: 'probe', mailboxCapacity: 4, shardSize: 1_000, passivateAfterMs: 60_000, maxLive: COUNT, stopBatchSize: BATCH },
    );
    try {
      await Promise.all(Array.from({ length: COUNT }, (_, i) => registry.ask(`user${i}`, i)));
      assert.equal(registry.size, COUNT);
      if (how === 'stopAll') await registry.stopAll();
      else assert.equal(await registry.passivateIdle(Date.now() + 120_000), COUNT);
      assert.equal(registry.size, 0);
      await eventually(() => stopsFinished === COUNT, `${how}: every stop finished`, 10_000);
      assert.ok(worst <= BATCH, `${how}: ${worst} stops in flight at once (batch ${BATCH})`);
    } finally {
      await registry.stopAll();
      runtime.stop();
    }
  }
});

// Bounded: an ask that is never answered would otherwise hold the test forever.
test('an ask queued behind a busy actor is answered when the actor is stopped', { timeout: 10_000 }, async () => {
  const runtime = startActorRuntime();
  let release!: () => void;
  const blocked = new Promise<void>((resolve) => (release = resolve));
  const registry = new ActorRegistry<string, string>(
    runtime.system,
    () => (): Behaviour<string, string> => ({ handle: async (m) => (m === 'block' ? blocked.then(() => m) : m) }),
    { kind: 'probe', mailboxCapacity: 8, shardSize: 1_000, passivateAfterMs: 0, maxLive: 1_000, stopBatchSize: 100 },
  );
  try {
    const first = assert.rejects(registry.ask('a', 'block'), { code: 'HERALD_ACTOR_STOPPED' });
    const queued = assert.rejects(registry.ask('a', 'queued'), { code: 'HERALD_ACTOR_STOPPED' });
    await new Promise((resolve) => setImmediate(resolve)); // 'block' is being handled now
    await registry.stopAll();
    await first;
    await queued;
  } finally {
    release();
    runtime.stop();
  }
});
