/**
 * Child process of shutdown-memory.test.ts: Herald (embedding API, LMDB in `dir`) with `users`
 * live user actors (one enable and one pushed message each: an enable alone spawns no actor),
 * then `herald.close()`. Prints one JSON line per stage on
 * stdout; a fatal out-of-memory ends the process before the `closed` line.
 *
 *   node --max-old-space-size=<MiB> close-child.js <dir> <users>
 */
import v8 from 'node:v8';
import { chatText, enableText, REMOTE_PUBSUB, rolesConfig, startRoles } from './harness.js';
import { eventually } from '../../support/eventually.js';

// `node --test dist/test/` runs every .js file under it: started that way (not by its test), this
// child has nothing to serve and ends at once.
if (process.env.HERALD_TEST_CHILD !== '1') process.exit(0);

const MiB = 2 ** 20;
/** Enables in flight at once: one LMDB commit per window. */
const WINDOW = 1_000;

async function main(): Promise<void> {
  const [dir, usersArg] = process.argv.slice(2);
  const users = Number(usersArg);
  if (!dir || !Number.isInteger(users) || users < 1) throw new Error('usage: close-child.js <dir> <users>');
  // Every user stays live (no cap, no idle passivation): close() must stop them all.
  const running = await startRoles(rolesConfig(dir, { actors: { max_live_actors: users, passivate_after_ms: 600_000 } }), { answerPublishes: true });
  for (let i = 0; i < users; i += WINDOW) {
    const replies = await Promise.all(
      Array.from({ length: Math.min(WINDOW, users - i) }, (_, j) => running.ask(enableText(`user${i + j}@localhost`, REMOTE_PUBSUB, 'phone'))),
    );
    const failed = replies.find((r) => r.attrs.type !== 'result');
    if (failed) throw new Error(`enable refused: ${failed.toString()}`);
  }
  const stats = running.herald.xmppServer.stats;
  for (let i = 0; i < users; i += WINDOW) {
    for (let j = i; j < Math.min(users, i + WINDOW); j++) running.herald.messageToUser(chatText('friend@localhost/x', `user${j}@localhost`, `m${j}`));
    const settled = Math.min(users, i + WINDOW);
    await eventually(() => stats.publishesOk + stats.publishesFailed >= settled, `${settled} pushes answered`, 60_000);
  }
  const live = running.herald.xmppServer.liveUsers;
  console.log(JSON.stringify({ stage: 'enabled', users, live, heapMiB: Math.round(v8.getHeapStatistics().used_heap_size / MiB) }));
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, v8.getHeapStatistics().used_heap_size)), 1);
  const started = process.hrtime.bigint();
  await running.close();
  clearInterval(sample);
  peak = Math.max(peak, v8.getHeapStatistics().used_heap_size);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(JSON.stringify({ stage: 'closed', ms: Math.round(ms), peakHeapMiB: Math.round(peak / MiB) }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
