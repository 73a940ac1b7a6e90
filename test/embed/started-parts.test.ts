import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartedParts } from '../../src/embed/started-parts.js';

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
