import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionTable } from '../../src/xmpp-server/sessions.js';

test('a user with one available resource has an available session', () => {
  const sessions = new SessionTable();
  assert.equal(sessions.setAvailable('Romeo@Example.com/phone'), true, 'first available session');
  assert.equal(sessions.hasAvailableSession('romeo@example.com'), true);
  assert.equal(sessions.setAvailable('romeo@example.com/laptop'), false, 'already online');
});

test('a user whose sessions are all hibernated has no available session', () => {
  const sessions = new SessionTable();
  sessions.setAvailable('romeo@example.com/phone');
  sessions.setAvailable('romeo@example.com/laptop');
  sessions.setHibernated('romeo@example.com/phone');
  assert.equal(sessions.hasAvailableSession('romeo@example.com'), true);
  sessions.setHibernated('romeo@example.com/laptop');
  assert.equal(sessions.hasAvailableSession('romeo@example.com'), false);
  assert.deepEqual(
    [...sessions.sessionsFor('romeo@example.com')],
    [
      ['phone', 'hibernated'],
      ['laptop', 'hibernated'],
    ],
  );
  assert.equal(sessions.setAvailable('romeo@example.com/phone'), true, 'resumed');
});

test('removing the last session forgets the user', () => {
  const sessions = new SessionTable();
  sessions.setAvailable('romeo@example.com/phone');
  sessions.remove('romeo@example.com/phone');
  sessions.remove('romeo@example.com/never-there');
  assert.equal(sessions.hasAvailableSession('romeo@example.com'), false);
  assert.equal(sessions.size, 0);
});
