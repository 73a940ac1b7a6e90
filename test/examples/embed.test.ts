import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../examples/embed.js';

test("the README's embedding example runs and answers both IQs with results", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-example-test-'));
  try {
    const routed = await main(dir);
    assert.deepEqual(
      routed.map((s) => [s.attrs.id, s.attrs.type]),
      [
        ['n1', 'result'],
        ['e1', 'result'],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
