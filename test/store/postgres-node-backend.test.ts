/**
 * The node backend contract on PostgreSQL, and what only a shared store owes: two instances (two
 * pools on one database) share one cap per owner and one registration key.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresNodes } from '../../src/app-server/postgres-nodes.js';
import { forSuite } from '../support/for-suite.js';
import { createsAtOnce, nodeBackendContract, nodeRecord } from './node-backend.contract.js';
import { postgresFixture, sharedDatabase } from './postgres-fixture.js';

nodeBackendContract('PostgreSQL', () => postgresFixture((pool) => new PostgresNodes(pool)));

describe('two Herald instances on one PostgreSQL', () => {
  const shared = forSuite(() => sharedDatabase((pool) => new PostgresNodes(pool)));

  test('20 creates for one owner, spread over both instances at once with a cap of 5, create exactly 5', async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    assert.equal(await createsAtOnce([a, b], 'contended@example.com', 'contended', 20, 5), 5);
    assert.equal(await a.countOf('contended@example.com', 100), 5);
    assert.equal((await b.nodesOf('contended@example.com')).length, 5);
  });

  test('creates of one node through both instances at once create it once', async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    const created = await Promise.all([a, b, a, b].map((instance, i) => instance.createCapped('raced', nodeRecord(`racer-${i}@example.com`, i), 5)));
    assert.equal(created.filter(Boolean).length, 1);
    const winner = created.indexOf(true);
    assert.deepEqual(await b.get('raced'), nodeRecord(`racer-${winner}@example.com`, winner));
  });

  test('replaces from one expected record through both instances at once: exactly one writes', async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    const owner = 'contested@example.com';
    await a.createCapped('contested', nodeRecord(owner, 1), 5);
    const written = await Promise.all([a, b, a, b].map((instance, i) => instance.replace('contested', nodeRecord(owner, 1), nodeRecord(owner, 10 + i))));
    assert.equal(written.filter(Boolean).length, 1);
    assert.deepEqual(await b.get('contested'), nodeRecord(owner, 10 + written.indexOf(true)));
  });

  test('both instances, asking first at the same moment, get the same registration key', async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    const [fromA, fromB] = await Promise.all([a.registrationKey(), b.registrationKey()]);
    assert.deepEqual(fromA, fromB);
    assert.deepEqual(await b.registrationKey(), fromA);
  });

  test('a node written through one instance is read through the other', async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    await a.put('roaming', nodeRecord('roaming@example.com', 3));
    assert.deepEqual(await b.get('roaming'), nodeRecord('roaming@example.com', 3));
    await b.remove('roaming', 'roaming@example.com');
    assert.deepEqual(await a.nodesOf('roaming@example.com'), []);
  });
});
