/**
 * Event names have one shape, so that an operator can filter on a prefix: `area.event` in
 * snake_case, with one more level where an area has parts (`apns.connection.goaway`). This walks
 * every log call with a literal event name in src/.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const EVENT_SHAPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){1,2}$/;
/** `log.warn('rest.unauthorized', …)`, `this.refusals.warn(…)`, `log?.info(…)`. */
const LOG_CALL = /\.(debug|info|warn|error)\??\.?\(\s*'([^']+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'simulators' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('every event name logged in src/ is area.event (or area.part.event) in snake_case', () => {
  const events = sourceFiles('src').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(LOG_CALL)].map((m) => ({ file, event: m[2]! })));
  assert.ok(events.length > 50, `found ${events.length} log calls`);
  assert.deepEqual(
    events.filter(({ event }) => !EVENT_SHAPE.test(event)),
    [],
  );
});
