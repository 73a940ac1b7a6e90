/**
 * Issue 8 finding 3, connection side: with `ulimit -n 1024`, ~1 000 idle HTTP/2 connections to
 * the REST port took every file descriptor: 0 of 59 normal requests succeeded and the APNS sender
 * threads broke. Now rest.max_connections is lowered at start to the soft open-file limit less
 * rest.reserved_file_descriptors, and per-client caps keep a flood from a few addresses from
 * taking even that: the process never runs out of descriptors and a normal client gets its push.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TOKEN } from '../../e2e/harness.js';

const CHILD = fileURLToPath(new URL('./fd-child.js', import.meta.url));
const SOFT_LIMIT = 256;
const REST = { reserved_file_descriptors: 128, max_connections_per_client: 48 };
/** More than the whole descriptor table: 2 addresses × 150. */
const FLOOD = [
  ['127.0.0.2', 150],
  ['127.0.0.3', 150],
] as const;

function open(url: URL, ca: string, localAddress: string): Promise<tls.TLSSocket | undefined> {
  return new Promise((resolve) => {
    const tcp = net.connect({ host: url.hostname, port: Number(url.port), localAddress });
    tcp.on('error', () => resolve(undefined));
    const socket = tls.connect({ socket: tcp, ca, servername: 'localhost', ALPNProtocols: ['h2'] }, () => resolve(socket));
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => resolve(undefined));
  });
}

function push(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { ca });
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': `/v3/notification/${TOKEN}`, 'content-type': 'application/json' });
    stream.on('response', (h) => resolve(Number(h[':status'])));
    stream.on('error', reject);
    stream.on('close', () => session.close());
    stream.resume();
    stream.end(JSON.stringify({ service: 'apns', alert: { title: 't', body: 'b' } }));
  });
}

test(`under ulimit -n ${SOFT_LIMIT}, a flood of 300 connections leaves descriptors for Herald and pushes go through`, async () => {
  const child = spawn('bash', ['-c', `ulimit -n ${SOFT_LIMIT} && exec "${process.execPath}" "${CHILD}" '${JSON.stringify(REST)}'`], {
    env: { ...process.env, HERALD_TEST_CHILD: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => log.push(l));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const ready = await new Promise<{ url: string; ca: string }>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l) as { url: string; ca: string }));
      child.once('exit', () => reject(new Error(`child exited: ${log.join('\n')}`)));
    });
    const url = new URL(ready.url);
    const flood = (await Promise.all(FLOOD.flatMap(([address, n]) => Array.from({ length: n }, () => open(url, ready.ca, address))))).filter(
      (s): s is tls.TLSSocket => s !== undefined,
    );
    try {
      // Each push on a connection of its own, as a client whose pool was emptied would.
      for (let i = 0; i < 5; i++) assert.equal(await push(ready.url, ready.ca), 200, `push ${i} during the flood`);
      assert.ok(flood.length <= 2 * REST.max_connections_per_client, `${flood.length} flood connections admitted`);
    } finally {
      for (const s of flood) s.destroy();
    }
    assert.equal(await push(ready.url, ready.ca), 200, 'a push after the flood');
    assert.deepEqual(log.filter((l) => /EMFILE|ENFILE|"level":"error"/.test(l)), [], 'no descriptor ran out, nothing failed');
    const clamped = log.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'rest.max_connections_clamped');
    assert.deepEqual(
      clamped && { configured: clamped.configured, enforced: clamped.enforced, open_file_limit: clamped.open_file_limit },
      { configured: 512, enforced: SOFT_LIMIT - REST.reserved_file_descriptors, open_file_limit: SOFT_LIMIT },
    );
  } finally {
    child.stdin.end();
    await exited;
  }
});
