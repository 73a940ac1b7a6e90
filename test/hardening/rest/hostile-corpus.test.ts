/**
 * The named hostile inputs of corpus.ts against a real REST server: each gets its expected
 * outcome, the server stays up, and a normal v3 request right after it gets its 200.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CORPUS, CORPUS_CONFIG, assertExpected } from './corpus.js';
import { assertKnownKeys, normalH1, normalH2, startTarget, type Target } from './harness.js';
import { eventually } from '../../support/eventually.js';

describe('hostile inputs to the REST port', () => {
  let t: Target;
  before(async () => {
    t = await startTarget(CORPUS_CONFIG);
  });
  after(() => t.close());
  beforeEach(() => {
    t.dispatcher.received.length = 0;
    t.dispatcher.gate = undefined;
  });

  test('the corpus server is configured with keys of the schema only', () => {
    assertKnownKeys(CORPUS_CONFIG);
  });

  test('the corpus has at least 80 cases with unique names', () => {
    assert.ok(CORPUS.length >= 80, `${CORPUS.length} cases`);
    assert.equal(new Set(CORPUS.map((c) => c.name)).size, CORPUS.length);
  });

  CORPUS.forEach((hostile, i) => {
    test(hostile.name, async () => {
      const outcome = await hostile.run(t);
      assertExpected(hostile.expect, outcome);
      await hostile.also?.(t, outcome);
      // Whatever it was, the next well-behaved client is served (alternating protocols).
      const normal = i % 2 === 0 ? await normalH2(t) : await normalH1(t);
      assert.equal(normal.status, 200, `normal request after "${hostile.name}": ${normal.status} ${normal.body}`);
      await eventually(() => t.server.inFlight === 0, 'no exchange is left behind');
    });
  });

  test('no line of the log was written per hostile request', () => {
    const visible = t.log.visible();
    assert.ok(visible.length < 60, `${visible.length} lines: ${[...new Set(visible.map((l) => l.event))].join(', ')}`);
    assert.deepEqual(visible.filter((l) => l.level === 'error'), []);
  });
});
