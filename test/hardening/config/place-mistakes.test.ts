/**
 * Operator mistakes in places — the store folder, listen addresses, ports — run through the real
 * `herald start`: exit 1 at once with the key and the cause named, no stack trace, nothing
 * listening; and the control case that does start, which shows the listen probe sees listeners.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { once } from 'node:events';
import { assertRefused, runHerald } from './cli-harness.js';
import { writeConfig } from './config-files.js';
import { mistakeFolders } from './mistake-folders.js';

const c = mistakeFolders('herald-places-');

async function run(command: string, over: Record<string, unknown>, stopAfter?: RegExp) {
  const dir = c.caseDir();
  return { dir, result: await runHerald([command, '--config', writeConfig(dir, c.p8, over)], stopAfter ? { stopAfter } : {}) };
}

const storeAt = (path: string) => ({ store: { path } });

describe('the store folder', { concurrency: 3 }, () => {
  test('store.path under a file names the file, instead of a raw ENOTDIR', async () => {
    assertRefused((await run('start', storeAt(join(c.aFile, 'lmdb')))).result, { key: 'store.path', mentions: [`${c.aFile} is a file`], not: ['ENOTDIR'] });
  });

  test('store.path = "/proc/x" fails at once instead of hanging with no output', async () => {
    assertRefused((await run('start', storeAt('/proc/x'))).result, { key: 'store.path', mentions: ['/proc/x', 'cannot be created'] });
  });

  test('store.path on a file system that refuses new folders (/sys) is refused', async () => {
    assertRefused((await run('start', storeAt('/sys/herald-lmdb'))).result, { key: 'store.path', mentions: ['not permitted'] });
  });

  test('store.path naming an existing file is refused as not a directory', async () => {
    assertRefused((await run('start', storeAt(c.aFile))).result, { key: 'store.path', mentions: ['not a directory'] });
  });

  test('store.path under a dangling symbolic link fails at once', async () => {
    assertRefused((await run('start', storeAt(join(c.danglingLink, 'lmdb')))).result, { key: 'store.path', mentions: [`${c.danglingLink} is a symbolic link to a target that does not exist`] });
  });

  test('check-config checks the store folder too, and creates nothing', async () => {
    const path = join(c.aFile, 'lmdb');
    const { dir, result } = await run('check-config', storeAt(path));
    assertRefused(result, { key: 'store.path' });
    assert.equal(existsSync(join(dir, 'tls')), false, 'no certificate folder was made');
  });
});

describe('listen addresses and ports', { concurrency: 3 }, () => {
  test('rest.bind on an address this host does not have is refused before the simulators start', async () => {
    assertRefused((await run('start', { rest: { bind: '192.0.2.1' } })).result, { key: 'rest.bind', mentions: ['192.0.2.1', 'not an address of this host'] });
  });

  test('a simulator bind name that does not resolve is named', async () => {
    assertRefused((await run('start', { simulators: { apns: { bind: 'no-such-host.invalid' } } })).result, { key: 'simulators.apns.bind', mentions: ['does not resolve'] });
  });

  test('the REST port and a simulator port set to the same number are refused', async () => {
    const over = { rest: { port: 38_443 }, simulators: { apns: { port: 38_443 } } };
    assertRefused((await run('check-config', over)).result, { key: 'simulators.apns.port', mentions: ['is also rest.port'] });
  });

  test('a REST port already in use ends the start before the simulators start, naming rest.port', async () => {
    await withBusyPort(async (port) => {
      const { result } = await run('start', { rest: { port } });
      assert.equal(result.timedOut, false, result.stderr);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`rest\\.port = 127\\.0\\.0\\.1:${port}: is already in use`));
      assert.doesNotMatch(result.stderr, /simulator\.started|herald\.started|^\s+at /m, result.stderr);
      // Only the pre-flight's own probe of that port listened, and closed at once.
      assert.deepEqual(result.listens.map((l) => (JSON.parse(l) as { port: number }).port), [port]);
    });
  });

  test('a push inbox (simulators.control) port already in use ends the start before anything starts, naming simulators.control.port', async () => {
    await withBusyPort(async (port) => {
      const { result } = await run('start', { simulators: { control: { port } } });
      assert.equal(result.timedOut, false, result.stderr);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`simulators\\.control\\.port = 127\\.0\\.0\\.1:${port}: is already in use`));
      assert.doesNotMatch(result.stderr, /simulator\.started|herald\.started|^\s+at /m, result.stderr);
    });
  });
});

/** Runs `fn` with a port a listener of the test's holds. */
async function withBusyPort(fn: (port: number) => Promise<void>): Promise<void> {
  const busy: Server = createServer();
  busy.listen(0, '127.0.0.1');
  await once(busy, 'listening');
  try {
    await fn((busy.address() as { port: number }).port);
  } finally {
    busy.close();
  }
}

describe('the control case', () => {
  test('a valid config starts, listens, and stops on SIGTERM (with a store.path that has an extension)', async () => {
    const { result } = await run('start', storeAt(join(c.dir, 'store', 'herald.lmdb')), /Herald is running/);
    assert.equal(result.timedOut, false, result.stderr);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Herald is running/);
    assert.ok(result.listens.length >= 2, `the REST port and the APNS simulator listened: ${result.listens.join(', ')}`);
    assert.ok(existsSync(join(c.dir, 'store', 'herald.lmdb', 'data.mdb')), 'the store is a folder holding data.mdb');
  });
});
