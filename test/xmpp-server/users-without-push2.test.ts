/**
 * Remembering users who have no Push 2.0 registration (PostgreSQL): read once, forgotten by
 * every change this instance can know of, never remembered from a read a change overtook.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ForgettingOnWrite, UsersWithoutPush2 } from '../../src/xmpp-server/push2/users-without-push2.js';
import type { RegistrationBackend } from '../../src/xmpp-server/registration-backend.js';
import type { Registration } from '../../src/xmpp-server/registration.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** A read of a user's Push 2.0 sessions that answers when told, counting how often it was asked. */
function heldReads() {
  const waiting: Array<(sessions: string[]) => void> = [];
  return {
    asked: 0,
    read(): Promise<string[]> {
      this.asked++;
      return new Promise((resolve) => waiting.push(resolve));
    },
    answer(sessions: string[] = []): void {
      waiting.shift()!(sessions);
    },
  };
}

describe('users known to have no Push 2.0 registration', () => {
  test('a user read to have none is not read again; one with sessions is read every time', async () => {
    const users = new UsersWithoutPush2(10);
    let reads = 0;
    const none = () => (reads++, []);
    assert.equal(await users.hasAny(ALICE, none), false);
    assert.equal(await users.hasAny(ALICE, none), false);
    assert.equal(reads, 1);
    const some = () => (reads++, ['phone']);
    assert.equal(await users.hasAny(BOB, some), true);
    assert.equal(await users.hasAny(BOB, some), true);
    assert.equal(reads, 3);
  });

  test('a forgotten user is read again, and found to have enabled meanwhile', async () => {
    const users = new UsersWithoutPush2(10);
    assert.equal(await users.hasAny(ALICE, () => []), false);
    users.forget(ALICE);
    assert.equal(await users.hasAny(ALICE, () => ['phone']), true);
  });

  test('a read that answers "none" after the user was forgotten is not remembered: it may predate the change', async () => {
    const users = new UsersWithoutPush2(10);
    const held = heldReads();
    const first = users.hasAny(ALICE, () => held.read());
    users.forget(ALICE); // the enable commits while the read is in flight
    held.answer([]);
    assert.equal(await first, false);
    const second = users.hasAny(ALICE, () => held.read());
    held.answer(['phone']);
    assert.equal(await second, true, 'read again');
    assert.equal(held.asked, 2);
  });

  test('forgetting everyone forgets the remembered and the reads in flight', async () => {
    const users = new UsersWithoutPush2(10);
    assert.equal(await users.hasAny(ALICE, () => []), false);
    const held = heldReads();
    const bob = users.hasAny(BOB, () => held.read());
    users.forgetAll();
    held.answer([]);
    await bob;
    assert.equal(users.size, 0);
    assert.equal(await users.hasAny(ALICE, () => ['phone']), true);
    assert.equal(await users.hasAny(BOB, () => ['tablet']), true);
  });

  test('forgetting one user leaves the others remembered', async () => {
    const users = new UsersWithoutPush2(10);
    await users.hasAny(ALICE, () => []);
    await users.hasAny(BOB, () => []);
    users.forget(ALICE);
    assert.equal(await users.hasAny(BOB, () => assert.fail('bob is remembered')), false);
  });

  test('at its bound the oldest user is forgotten first; 0 remembers no one', async () => {
    const users = new UsersWithoutPush2(2);
    for (const user of ['a@x', 'b@x', 'c@x']) await users.hasAny(user, () => []);
    assert.equal(users.size, 2);
    assert.equal(await users.hasAny('a@x', () => ['phone']), true, 'the oldest was read again');
    assert.equal(await users.hasAny('c@x', () => assert.fail('c is remembered')), false);
    const none = new UsersWithoutPush2(0);
    await none.hasAny(ALICE, () => []);
    assert.equal(none.size, 0);
  });

  test('a read that fails passes its error on and is not remembered', async () => {
    const users = new UsersWithoutPush2(10);
    await assert.rejects(Promise.resolve(users.hasAny(ALICE, () => Promise.reject(new Error('connection lost')))), /connection lost/);
    assert.throws(() => users.hasAny(ALICE, () => { throw new Error('pool closed'); }), /pool closed/);
    assert.equal(await users.hasAny(ALICE, () => ['phone']), true);
  });
});

describe("the role's store forgets the users it writes", () => {
  /** A store whose writes commit when told. */
  function heldStore() {
    const commits: Array<() => void> = [];
    const write = <T>(value: T) => new Promise<T>((resolve) => commits.push(() => resolve(value)));
    const store = {
      sharedAcrossInstances: true,
      put: () => write(undefined),
      remove: () => write(undefined),
      removeAllOn: () => write(1),
    } as unknown as RegistrationBackend;
    return { store, commit: () => commits.shift()!() };
  }

  for (const [name, writeThrough] of [
    ['put', (s: RegistrationBackend) => s.put(ALICE, {} as Registration)],
    ['remove', (s: RegistrationBackend) => s.remove(ALICE, 'push.example.net', 'phone')],
    ['removeAllOn', (s: RegistrationBackend) => s.removeAllOn(ALICE, 'push.example.net')],
  ] as const) {
    test(`${name}: forgotten at once, and a read begun before its commit is not remembered`, async () => {
      const users = new UsersWithoutPush2(10);
      const { store, commit } = heldStore();
      const forgetting = new ForgettingOnWrite(store, users);
      await users.hasAny(ALICE, () => []);
      const written = writeThrough(forgetting);
      assert.equal(users.size, 0, 'forgotten when the write starts');
      const held = heldReads();
      const during = users.hasAny(ALICE, () => held.read());
      commit();
      await written;
      held.answer([]); // read before the commit, answered after it
      assert.equal(await during, false);
      assert.equal(users.size, 0, 'not remembered');
    });
  }

  test('the optional claim calls are kept, or left absent, as the store has them', () => {
    const users = new UsersWithoutPush2(10);
    const plain = new ForgettingOnWrite({ sharedAcrossInstances: false } as RegistrationBackend, users);
    assert.equal(plain.claimAndCount, undefined);
    assert.equal(plain.forgetClaims, undefined);
    const withClaims = new ForgettingOnWrite({ sharedAcrossInstances: true, claimAndCount: async () => 3, forgetClaims: async () => 0 } as unknown as RegistrationBackend, users);
    assert.equal(typeof withClaims.claimAndCount, 'function');
    assert.equal(withClaims.sharedAcrossInstances, true);
  });
});
