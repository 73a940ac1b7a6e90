import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { foldRepeats } from '../../src/core/aggregated-log.js';
import type { Logger, LogLevel } from '../../src/core/log.js';

type Line = { level: LogLevel; event: string; fields?: Record<string, unknown> };

function recordingLogger(): { log: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: LogLevel) => (event: string, fields?: Record<string, unknown>): void => void lines.push({ level, event, fields });
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

test('a flood of one event becomes its first line plus one line per interval with the count', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { log, lines } = recordingLogger();
    const folded = foldRepeats(log, 10_000);
    for (let i = 0; i < 5_000; i++) folded.warn('rest.unauthorized', { remote: `127.0.0.${i % 3}` });
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0], { level: 'warn', event: 'rest.unauthorized', fields: { remote: '127.0.0.0', count: 1 } });

    mock.timers.tick(10_000);
    assert.equal(lines.length, 2);
    assert.deepEqual(lines[1], { level: 'warn', event: 'rest.unauthorized', fields: { remote: '127.0.0.1', count: 4_999, repeated_within_ms: 10_000 } });

    // A quiet interval ends the folding: the next occurrence is logged at once again.
    mock.timers.tick(10_000);
    assert.equal(lines.length, 2);
    folded.warn('rest.unauthorized', { remote: 'x' });
    assert.equal(lines.length, 3);
  } finally {
    mock.timers.reset();
  }
});

test('each event (or key) is folded apart from the others', () => {
  const { log, lines } = recordingLogger();
  const folded = foldRepeats(log, 60_000, (event, fields) => `${event}/${String(fields?.reason)}`);
  for (const reason of ['a', 'b', 'a', 'b']) folded.warn('rest.request_shed', { reason });
  folded.error('store.full');
  assert.deepEqual(
    lines.map((l) => [l.event, l.fields?.reason]),
    [
      ['rest.request_shed', 'a'],
      ['rest.request_shed', 'b'],
      ['store.full', undefined],
    ],
  );
  folded.flush();
});

test('flush writes the pending count at once, at the level of the last occurrence', () => {
  const { log, lines } = recordingLogger();
  const folded = foldRepeats(log, 60_000);
  folded.error('e');
  folded.error('e');
  folded.error('e');
  folded.flush();
  assert.deepEqual(
    lines.map((l) => [l.level, l.fields?.count]),
    [
      ['error', 1],
      ['error', 2],
    ],
  );
  folded.flush(); // the interval flush started: nothing pending, nothing written
  assert.equal(lines.length, 2);
});
