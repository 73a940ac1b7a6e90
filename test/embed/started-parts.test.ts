import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/core/config/load.js';
import { StartedParts, startGround } from '../../src/embed/started-parts.js';

test('parts stop in the reverse of the order they started, each after the later ones finished', async () => {
  const parts = new StartedParts();
  const stopped: string[] = [];
  parts.add(() => stopped.push('store'));
  parts.add(async () => {
    await Promise.resolve();
    stopped.push('pools');
  });
  parts.add(() => stopped.push('rest'));
  await parts.stopAll();
  assert.deepEqual(stopped, ['rest', 'pools', 'store']);
});

test('a second stopAll stops nothing again', async () => {
  const parts = new StartedParts();
  let stops = 0;
  parts.add(() => stops++);
  await parts.stopAll();
  await parts.stopAll();
  assert.equal(stops, 1);
});

test('an engine on the PostgreSQL store opens no LMDB: its folder is never created', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-postgres-ground-'));
  const parts = new StartedParts();
  try {
    const path = join(dir, 'lmdb');
    const config = validateConfig({ store: { backend: 'postgres', path, postgres: { url: 'postgres://herald@127.0.0.1/herald' } } }, '(test)', {});
    assert.equal(startGround(config, undefined, parts).store, undefined);
    assert.equal(existsSync(path), false);
  } finally {
    await parts.stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
});
