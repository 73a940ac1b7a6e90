import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { AggregatedLog } from '../../src/core/aggregated-log.js';
import type { Logger } from '../../src/core/log.js';

function recordingLogger(): { log: Logger; lines: Array<{ event: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ event: string; fields?: Record<string, unknown> }> = [];
  const push = (event: string, fields?: Record<string, unknown>): void => void lines.push({ event, fields });
  return { log: { debug: push, info: push, warn: push, error: push }, lines };
}

test('a flood of one event becomes its first line plus one line per interval with the count', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { log, lines } = recordingLogger();
    const aggregated = new AggregatedLog({ log, event: 'rest.unauthorized', intervalMs: 10_000 });
    for (let i = 0; i < 5_000; i++) aggregated.record({ remote: `127.0.0.${i % 3}` });
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0], { event: 'rest.unauthorized', fields: { remote: '127.0.0.0', count: 1 } });

    mock.timers.tick(10_000);
    assert.equal(lines.length, 2);
    assert.equal(lines[1]!.fields!.count, 4_999);
    assert.equal(lines[1]!.fields!.remote, '127.0.0.1');

    // A quiet interval ends the folding: the next occurrence is logged at once again.
    mock.timers.tick(10_000);
    assert.equal(lines.length, 2);
    aggregated.record({ remote: 'x' });
    assert.equal(lines.length, 3);
    assert.equal(aggregated.total, 5_001);
  } finally {
    mock.timers.reset();
  }
});

test('flush writes the pending count at once', () => {
  const { log, lines } = recordingLogger();
  const aggregated = new AggregatedLog({ log, event: 'e', intervalMs: 60_000, level: 'error' });
  aggregated.record();
  aggregated.record();
  aggregated.record();
  aggregated.flush();
  assert.deepEqual(
    lines.map((l) => l.fields?.count),
    [1, 2],
  );
});
