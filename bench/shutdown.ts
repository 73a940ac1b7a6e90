/**
 * Shutdown with many users in memory: `--users` accounts enable push (one live user actor each,
 * in one Herald through the embedding API, LMDB in a temp folder), then `herald.close()`.
 * Checks first that every enable was acknowledged and every user actor is live, then prints the
 * heap before close, the heap peak while closing (sampled every ms, after each stop slice) and
 * the time close() took. Not part of CI.
 *
 *   npm run build && node dist/bench/shutdown.js [--users 1000000] [--results DIR]
 *
 * After the table, a chart of its figures (a panel per unit) is written to `--results` (default
 * results/ under the current directory), named by `# chart:`.
 *
 * Before actors were stopped in slices (actors.stop_batch_size), close() with 1 000 000 users
 * ended in a fatal out-of-memory (exit 134).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import type { Element } from '@xmpp/xml';
import { validateConfig } from '../src/core/config/load.js';
import { Herald } from '../src/embed/engine.js';
import { eventually } from '../test/support/eventually.js';
import { progress, table } from './e2e/report.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { barsChart } from './shared/svg-bars.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '1000000' }, ...RESULTS_OPTION } });
const users = Number(values.users);
/** Enables in flight at once: they share one LMDB commit. */
const WINDOW = 2_000;
const MiB = 2 ** 20;
/** A window of pushes answered by this process at once settles in milliseconds; a minute means they never will. */
const PUSHES_SETTLE_MS = 60_000;

async function main(): Promise<void> {
  console.log(`# Herald shutdown with live users — ${new Date().toISOString()}`);
  console.log(`# machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, Node ${process.version}`);
  console.log(`# command: node ${process.execArgv.join(' ')} dist/bench/shutdown.js --users ${users}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-shutdown-'));
  const config = validateConfig({
    store: { path: join(dir, 'lmdb'), max_size_mib: 4_096 },
    apns: { enabled: false },
    fcm: { enabled: false },
    rest: { enabled: false },
    // Every user stays live (no cap, no idle passivation): close() must stop them all.
    actors: { max_live_actors: users, passivate_after_ms: 3_600_000 },
  });
  const waiting = new Map<string, (reply: Element) => void>();
  let herald!: Herald;
  herald = await Herald.start({
    config,
    host: {
      route(stanza) {
        if (stanza.name === 'iq' && stanza.attrs.type === 'set') {
          // A publish to the remote App Server (a message's push): answered at once, as a healthy one would.
          void herald.handleStanza(`<iq type='result' id='${stanza.attrs.id as string}' from='push.example.net' to='${stanza.attrs.from as string}'/>`);
          return;
        }
        const resolve = waiting.get(stanza.attrs.id as string);
        waiting.delete(stanza.attrs.id as string);
        resolve?.(stanza);
      },
    },
  });
  try {
    const report = progress('enables', users);
    const t0 = performance.now();
    for (let i = 0; i < users; i += WINDOW) {
      const replies = await Promise.all(
        Array.from({ length: Math.min(WINDOW, users - i) }, (_, j) => {
          const n = i + j;
          const reply = new Promise<Element>((resolve) => waiting.set(`e${n}`, resolve));
          void herald.handleStanza(
            `<iq type='set' id='e${n}' from='user${n}@localhost/phone' to='user${n}@localhost'>` +
              `<enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='phone'/></iq>`,
          );
          return reply;
        }),
      );
      for (const reply of replies) assert.equal(reply.attrs.type, 'result', reply.toString());
      report(i + replies.length);
    }
    const enableS = (performance.now() - t0) / 1000;
    // An enable is written without spawning the user's actor (xmpp-server/pending-registrations.ts):
    // a message to each (offline) user spawns it, and its push is answered before close.
    const stats = herald.xmppServer.stats;
    for (let n = 0; n < users; n++) {
      herald.messageToUser(`<message type='chat' id='m${n}' from='friend@localhost/x' to='user${n}@localhost'><body>hello</body></message>`);
      if ((n + 1) % WINDOW === 0 || n + 1 === users) await eventually(() => stats.publishesOk + stats.publishesFailed === n + 1, 'every push answered', PUSHES_SETTLE_MS);
    }
    assert.equal(stats.publishesFailed, 0, 'every push answered ok');
    assert.equal(herald.xmppServer.liveUsers, users, 'every user has a live actor before close');
    (globalThis as { gc?: () => void }).gc?.();
    const before = v8.getHeapStatistics().used_heap_size;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, v8.getHeapStatistics().used_heap_size)), 1);
    const t1 = performance.now();
    await herald.close();
    const closeMs = performance.now() - t1;
    clearInterval(sample);
    peak = Math.max(peak, v8.getHeapStatistics().used_heap_size);
    console.log(
      table(
        ['users', 'enables/s', 'heap before close (MiB)', 'heap peak in close (MiB)', 'close (ms)'],
        [[String(users), (users / enableS).toFixed(0), (before / MiB).toFixed(0), (peak / MiB).toFixed(0), closeMs.toFixed(0)]],
      ),
    );
    writeChart(
      values.results!,
      'shutdown',
      barsChart({
        title: `Herald shutdown with ${users} live users`,
        series: [`Herald, ${users} users`],
        panels: [
          { unit: 'enables/s', rows: [{ label: 'enables/s', values: [users / enableS] }] },
          { unit: 'MiB', rows: [{ label: 'heap before close', values: [before / MiB] }, { label: 'heap peak in close', values: [peak / MiB] }] },
          { unit: 'ms', rows: [{ label: 'close', values: [closeMs] }] },
        ],
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
