/**
 * "Acknowledged means durable" (issue 8, what held: 0 of 128 729 acknowledged registrations lost
 * to kill -9 over 5 rounds), kept as a test: a child Herald acknowledges enables as fast as it
 * can; after a number of acknowledgements (a condition, not a timer) it is killed with SIGKILL;
 * Herald reopened on the same LMDB folder must hold every registration it acknowledged.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { Herald } from '../../../src/embed/engine.js';
import { cleanup, REMOTE_PUBSUB, rolesConfig, tempDir } from './harness.js';

const CHILD = fileURLToPath(new URL('./enable-storm-child.js', import.meta.url));
const ROUNDS = 4;
/** Acknowledgements after which round r kills its child: a few LMDB commits, more each round. */
const killAfter = (round: number) => 1_500 + 1_000 * round;
/** Bound of one round (start, storm, kill): a child that never acknowledges fails the test. */
const ROUND_TIMEOUT_MS = 15_000;

/** Runs one child until `acks` enables are acknowledged, kills it with SIGKILL; returns the acknowledged ids. */
async function stormAndKill(dir: string, prefix: string, acks: number): Promise<number[]> {
  const child = spawn(process.execPath, [CHILD, dir, prefix], { env: { ...process.env, HERALD_TEST_CHILD: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const acknowledged: number[] = [];
  const timer = setTimeout(() => child.kill('SIGKILL'), ROUND_TIMEOUT_MS);
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('refused ')) assert.fail(`the child refused an enable: ${line}`);
      if (!line.startsWith('ack ')) continue;
      acknowledged.push(Number(line.slice(4)));
      if (acknowledged.length === acks) child.kill('SIGKILL');
    }
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, 'SIGKILL', `the child ended by itself (code ${code})`);
    assert.ok(acknowledged.length >= acks, `only ${acknowledged.length} enables acknowledged before the round timed out`);
  } finally {
    clearTimeout(timer);
  }
  return acknowledged;
}

test('every enable acknowledged before a kill -9 is in LMDB when Herald starts again', async (t) => {
  const dir = tempDir();
  const config = rolesConfig(dir);
  const acknowledged = new Map<string, number[]>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const prefix = `round${round}`;
      acknowledged.set(prefix, await stormAndKill(dir, prefix, killAfter(round)));
    }
    const herald = await Herald.start({ config });
    try {
      let checked = 0;
      const lost: string[] = [];
      for (const [prefix, ids] of acknowledged) {
        for (const i of ids) {
          const user = `${prefix}-${i}@localhost`;
          const held = (await herald.xmppServer.registrations(user)).some((r) => r.pubsubJid === REMOTE_PUBSUB && r.node === `node-${i}`);
          if (!held) lost.push(user);
          checked++;
        }
      }
      t.diagnostic(`${checked} acknowledged registrations over ${ROUNDS} kill -9 rounds, ${lost.length} lost`);
      assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${checked} acknowledged registrations lost`);
    } finally {
      await herald.close();
    }
  } finally {
    cleanup(dir);
  }
});
