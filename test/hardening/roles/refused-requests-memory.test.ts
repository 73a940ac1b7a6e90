/**
 * Issue 8 finding 5: every request a role refuses, and every request it completes, releases what
 * it held. Each test warms up, takes the heap after GC, floods one kind of request, and bounds
 * the growth per request far below what the old code kept (~800 B per refused enable, ~330 B per
 * enable or disable, retained for the life of the process).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatText, cleanup, createText, deleteText, disableText, enableText, flood, heapAfterGc, publishText, REMOTE_PUBSUB, rolesConfig, startRoles, tempDir } from './harness.js';
import { eventually } from '../../support/eventually.js';

const ROMEO = 'romeo@localhost';
const N = 20_000;
/** A first round, not measured: caches (V8's, lmdb-js's) fill once, a leak grows with every request. */
const WARM_UP = 2_000;
/** Bytes per request that a request may leave behind, amortised: a leak of one small object is more. */
const MAX_BYTES_PER_REQUEST = 50;

const perRequest = (before: number, after: number, requests: number) => (after - before) / requests;

test('enables refused beyond the registration cap leave the heap at its baseline', async (t) => {
  const dir = tempDir();
  const running = await startRoles(rolesConfig(dir));
  try {
    // Romeo reaches xmpp_server.max_registrations_per_user (default 32).
    await flood(running, 32, (i) => enableText(ROMEO, REMOTE_PUBSUB, `device-${i}`));
    await flood(running, WARM_UP, (i) => enableText(ROMEO, REMOTE_PUBSUB, `warm-${i}`));
    const before = await heapAfterGc();
    const outcomes = await flood(running, N, (i) => enableText(ROMEO, REMOTE_PUBSUB, `extra-${i}`));
    const after = await heapAfterGc();
    assert.deepEqual([...outcomes], [['cancel/policy-violation', N]]);
    const bytes = perRequest(before, after, N);
    t.diagnostic(`${bytes.toFixed(1)} B of heap kept per refused enable`);
    assert.ok(bytes < MAX_BYTES_PER_REQUEST, `${bytes.toFixed(1)} B kept per refused enable`);
  } finally {
    await running.close();
    cleanup(dir);
  }
});

test('enable and disable pairs leave the heap at its baseline', async (t) => {
  const dir = tempDir();
  const running = await startRoles(rolesConfig(dir));
  try {
    // Each window of the flood enables (or, the next one, disables) one device of USERS users,
    // so that its writes share one LMDB commit instead of waiting for each other's.
    const USERS = 200;
    const pair = (i: number) => {
      const user = `user${i % USERS}@localhost`;
      return Math.floor(i / USERS) % 2 === 0 ? enableText(user, REMOTE_PUBSUB, 'phone') : disableText(user, REMOTE_PUBSUB, 'phone');
    };
    await flood(running, WARM_UP, pair, USERS);
    const before = await heapAfterGc();
    const outcomes = await flood(running, 2 * N, pair, USERS);
    const after = await heapAfterGc();
    assert.deepEqual([...outcomes], [['result', 2 * N]]);
    const bytes = perRequest(before, after, 2 * N);
    t.diagnostic(`${bytes.toFixed(1)} B of heap kept per enable or disable`);
    assert.ok(bytes < MAX_BYTES_PER_REQUEST, `${bytes.toFixed(1)} B kept per enable or disable`);
  } finally {
    await running.close();
    cleanup(dir);
  }
});

test('refused node creates, publishes and deletes leave the heap at its baseline and spawn no node actor', async (t) => {
  const dir = tempDir();
  const running = await startRoles(rolesConfig(dir));
  try {
    // Romeo reaches app_server.max_nodes_per_owner (default 64) with `taken` and 63 more.
    await running.ask(createText(ROMEO, 'taken'));
    await flood(running, 63, (i) => createText(ROMEO, `mine-${i}`));
    const refused = (i: number): string => {
      switch (i % 4) {
        case 0:
          return createText(ROMEO, `fresh-${i}`); // over the node cap
        case 1:
          return createText('tybalt@localhost', 'taken'); // exists
        case 2:
          return publishText('evil.example', 'taken'); // not authorised
        default:
          return deleteText('tybalt@localhost', 'taken'); // not the owner
      }
    };
    await flood(running, WARM_UP, refused);
    const before = await heapAfterGc();
    const actorsBefore = running.herald.appServer.liveNodeActors;
    const outcomes = await flood(running, N, refused);
    const after = await heapAfterGc();
    assert.deepEqual(
      [...outcomes].sort(),
      [
        ['auth/forbidden', N / 2],
        ['cancel/conflict', N / 4],
        ['cancel/not-allowed+max-nodes-exceeded', N / 4],
      ],
    );
    assert.equal(running.herald.appServer.liveNodeActors, actorsBefore, 'a refused create spawned a node actor');
    const bytes = perRequest(before, after, N);
    t.diagnostic(`${bytes.toFixed(1)} B of heap kept per refused node request`);
    assert.ok(bytes < MAX_BYTES_PER_REQUEST, `${bytes.toFixed(1)} B kept per refused node request`);
  } finally {
    await running.close();
    cleanup(dir);
  }
});

test("a sender's huge message ids cost an offline user's actor no more than its window of short identities", async (t) => {
  const dir = tempDir();
  const running = await startRoles(rolesConfig(dir), { answerPublishes: true });
  const window = 256; // xmpp_server.dedup_window's default
  const messages = window + 44;
  try {
    await running.ask(enableText(ROMEO, REMOTE_PUBSUB, 'phone'));
    const send = async (prefix: string, idChars: number) => {
      const already = running.publishes;
      for (let i = 0; i < messages; i++) {
        const id = `${prefix}${i}-`.padEnd(idChars, 'x');
        await running.herald.handleStanza(chatText('tybalt@localhost/x', ROMEO, id));
        // One at a time through the user's bounded mailbox: each message is pushed once.
        await eventually(() => running.publishes === already + i + 1, `push of message ${i}`, 10_000);
      }
    };
    await send('short-', 36); // the window now holds `window` identities of UUID size
    const before = await heapAfterGc();
    await send('huge-', 30_000);
    const after = await heapAfterGc();
    const grown = after - before;
    t.diagnostic(`${(grown / 1e3).toFixed(0)} KB of heap for ${messages} messages with 30 000-character ids`);
    // Kept as they came, the window would hold window × 30 000 characters (~7.7 MB).
    assert.ok(grown < 1_000_000, `${(grown / 1e6).toFixed(2)} MB kept for ${window} remembered message ids`);
  } finally {
    await running.close();
    cleanup(dir);
  }
});
