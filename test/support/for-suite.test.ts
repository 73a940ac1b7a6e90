import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forSuite } from './for-suite.js';

const closed: number[] = [];

class Counter {
  count = 1;
  bump(): number {
    return ++this.count;
  }
  async close(): Promise<void> {
    closed.push(this.count);
  }
}

describe('a suite fixture', () => {
  const counter = forSuite(async () => new Counter());

  test('stands for the started fixture: its fields, its methods and writes to it', () => {
    assert.equal(counter.count, 1);
    assert.equal(counter.bump(), 2);
    counter.count = 10;
    assert.equal(counter.bump(), 11);
  });

  test('is the same fixture in every test of the suite', () => {
    assert.equal(counter.count, 11);
    assert.deepEqual(closed, []);
  });
});

test('the fixture is closed once its suite has ended', () => {
  assert.deepEqual(closed, [11]);
});
