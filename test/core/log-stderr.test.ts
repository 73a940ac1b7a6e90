/**
 * Herald's logger as `herald start` runs it: pino writing to the process's real stderr. A child
 * process logs; its stderr is read back line by line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

const LOG_MODULE = new URL('../../src/core/log.js', import.meta.url).href;

/** Runs `body` in a child process with `createLogger` imported; returns its stderr lines, parsed. */
function stderrLinesOf(body: string): Array<Record<string, unknown>> {
  const script = `import { createLogger, withFields } from ${JSON.stringify(LOG_MODULE)};\n${body}`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.error, undefined);
  const lines = child.stderr.split('\n').filter((l) => l !== '');
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('each line on stderr is one JSON object with level, time and event, and the fields redacted', () => {
  const token = randomBytes(32).toString('hex');
  const secret = `s3cret-${randomBytes(6).toString('hex')}`;
  const lines = stderrLinesOf(`
    const log = createLogger('info');
    log.debug('test.hidden', { n: 1 });
    log.info('test.sent', { device_id: ${JSON.stringify(token)}, reason: 'no session for ${token}' });
    withFields(log, { pool: 'apns-prod', password: ${JSON.stringify(secret)} }).warn('test.bound', { authorization: 'Bearer ${secret}' });
  `);
  assert.deepEqual(
    lines.map((l) => [l.level, l.event]),
    [
      ['info', 'test.sent'],
      ['warn', 'test.bound'],
    ],
    'debug is below the level',
  );
  assert.match(String(lines[0]!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(lines[0]!.device_id, `${token.slice(0, 6)}…[64]`);
  assert.equal(lines[0]!.reason, 'no session for [redacted]');
  assert.deepEqual([lines[1]!.pool, lines[1]!.password, lines[1]!.authorization], ['apns-prod', '[redacted]', '[redacted]']);
  const text = JSON.stringify(lines);
  assert.ok(!text.includes(token) && !text.includes(secret), text);
});

test('a line logged right before process.exit is on stderr (the destination writes synchronously)', () => {
  const lines = stderrLinesOf(`
    const log = createLogger('info');
    for (let i = 0; i < 200; i++) log.error('test.before_exit', { i, filler: 'x'.repeat(200) });
    process.exit(70);
  `);
  assert.equal(lines.length, 200);
  assert.deepEqual(lines.at(-1)!.i, 199);
});
