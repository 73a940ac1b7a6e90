/**
 * The XMPP Server's lookup on every pushed message: which registrations (devices) does this user
 * have? `RegistrationStore.listFor` is one synchronous LMDB range read. The store is filled first
 * with `scale.users` users holding 1–3 registrations each, in awaited batches of puts (lmdb-js
 * commits each batch as one durable transaction). Every tenth user also has a Push 2.0
 * registration: `nodesOn(user, PUSH2_SCOPE)` is what a message to a user with an available
 * session costs with `xmpp_server.push2.enabled` (before, such a message cost no read).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/lmdb-store.js';
import { PUSH2_SCOPE, type Registration } from '../../src/xmpp-server/registration.js';
import { RegistrationStore } from '../../src/xmpp-server/registration-store.js';
import type { MicroCase, MicroScale, MicroSuite } from './case.js';

/** Puts in flight per awaited batch: large enough to share commits, small enough to bound memory. */
const LOAD_BATCH = 10_000;
/** 100k users × 2 registrations × ~200 bytes ≈ 40 MB; 256 MiB leaves room for LMDB's pages. */
const MAP_SIZE_MIB = 256;
const PUBSUB_JID = 'push.example.net';
/** Lookups cycle through this many pseudo-random users, so reads are not sequential. */
const LOOKUP_ORDER_LENGTH = 65_536;

export function userJid(i: number): string {
  return `user${i}@example.com`;
}

/** User i has (i mod 3) + 1 registrations: 1–3 devices, 2 on average. */
export function registrationsOf(i: number): Registration[] {
  return Array.from({ length: (i % 3) + 1 }, (_, d) => ({
    pubsubJid: PUBSUB_JID,
    node: `node-${i}-${d}`,
    publishOptions: { service: 'apns', device_id: (i * 3 + d).toString(16).padStart(64, '0') },
    createdAt: 1_700_000_000_000,
  }));
}

/** Every tenth user's Push 2.0 registration, by the session `phone`. */
function push2Of(i: number): Registration | undefined {
  if (i % 10 !== 0) return undefined;
  const push2 = { service: PUBSUB_JID, client: `client-${i}`, matches: [{ profile: 'important' as const, filters: [], send: { kind: 'notify-only' as const } }] };
  return { pubsubJid: PUSH2_SCOPE, node: 'phone', publishOptions: {}, createdAt: 1_700_000_000_000, push2 };
}

async function load(store: RegistrationStore, users: number): Promise<void> {
  let pending: Promise<void>[] = [];
  for (let i = 0; i < users; i++) {
    for (const r of registrationsOf(i)) pending.push(store.put(userJid(i), r));
    const push2 = push2Of(i);
    if (push2) pending.push(store.put(userJid(i), push2));
    if (pending.length >= LOAD_BATCH) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
}

/** A fixed pseudo-random visiting order (LCG, Numerical Recipes constants): repeatable runs. */
function lookupOrder(users: number): string[] {
  let x = 12_345;
  return Array.from({ length: Math.min(LOOKUP_ORDER_LENGTH, users * 4) }, () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return userJid(x % users);
  });
}

export async function storeCases(scale: MicroScale): Promise<MicroSuite> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-micro-'));
  const lmdb = openStore({ path: dir, max_size_mib: MAP_SIZE_MIB });
  const close = async () => {
    await lmdb.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const store = new RegistrationStore(lmdb);
    await load(store, scale.users);
    const order = lookupOrder(scale.users);
    let next = 0;

    const lookup: MicroCase = {
      name: `LMDB listFor(user), ${scale.users.toLocaleString('en')} users`,
      async: false,
      run: () => {
        const user = order[next]!;
        next = (next + 1) % order.length;
        return store.listFor(user);
      },
      check() {
        const last = scale.users - 1;
        for (const i of [0, 1, 2, 10, 11, Math.floor(scale.users / 2), last]) {
          assert.deepEqual(store.listFor(userJid(i)).filter((r) => !r.push2), registrationsOf(i), userJid(i));
        }
        // user1 is a prefix of user10..user19: its range must not reach into theirs.
        assert.equal(store.listFor(userJid(1)).length, 2);
        assert.equal(store.listFor(userJid(10)).length, 3, 'user10: two XEP-0357 registrations and a Push 2.0 one');
        assert.deepEqual(store.listFor(userJid(scale.users)), [], 'a user never loaded has none');
        let total = 0;
        for (let i = 0; i < 1_000; i++) total += (lookup.run() as Registration[]).length;
        assert.ok(total >= 1_000 && total <= 4_000, `every looked-up user has 1–4 registrations (${total})`);
      },
    };

    const push2Sessions: MicroCase = {
      name: `LMDB Push 2.0 sessions of a user (online message), ${scale.users.toLocaleString('en')} users`,
      async: false,
      run: () => {
        const user = order[next]!;
        next = (next + 1) % order.length;
        return store.nodesOn(user, PUSH2_SCOPE);
      },
      check() {
        assert.deepEqual(store.nodesOn(userJid(0), PUSH2_SCOPE), ['phone']);
        assert.deepEqual(store.nodesOn(userJid(10), PUSH2_SCOPE), ['phone']);
        assert.deepEqual(store.nodesOn(userJid(11), PUSH2_SCOPE), [], 'no Push 2.0 registration: none, though it has XEP-0357 ones');
        assert.deepEqual(store.nodesOn(userJid(1), PUSH2_SCOPE), [], "user1's range does not reach user10's");
      },
    };
    return { cases: [lookup, push2Sessions], close };
  } catch (e) {
    await close();
    throw e;
  }
}
