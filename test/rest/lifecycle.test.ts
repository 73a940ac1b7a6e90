/** Starting (TLS sources, port) and closing (graceful for answers in flight) the REST server. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { configSchema } from '../../src/core/config/schema.js';
import { isHeraldError } from '../../src/core/errors.js';
import { CLOSE_GRACE_MS, startRestServer } from '../../src/rest/server.js';
import { h2RequestOn, h1Request, ProgrammedDispatcher, RecordingLog, startTestServer, testTlsPair, type TestServer } from './rest-test-kit.js';
import { eventually } from '../support/eventually.js';

const PATH = '/v3/notification/f53453455';
const BODY = '{"service":"fcm","data":{}}';
const defaults = () => ({ ...configSchema.parse({}).rest, bind: '127.0.0.1', port: 0 });

describe('REST server lifecycle', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-rest-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('the url names the bound address and the real port', async () => {
    const t = await startTestServer();
    try {
      assert.ok(t.server.port > 0);
      assert.equal(t.server.url, `https://127.0.0.1:${t.server.port}`);
    } finally {
      await t.close();
    }
  });

  test('close() lets an answer in flight finish before it resolves', async () => {
    const t = await startTestServer();
    let open!: () => void;
    t.dispatcher.gate = new Promise<void>((resolve) => (open = resolve));
    const session = http2.connect(t.server.url, { ca: t.ca });
    try {
      const pending = h2RequestOn(session, { path: PATH, body: BODY });
      await eventually(() => t.dispatcher.received.length > 0, 'the request reached the dispatcher');
      let closed = false;
      const goaway = new Promise((resolve) => session.once('goaway', resolve));
      const closing = t.close().then(() => (closed = true));
      await goaway; // close() has done all it can without the answer
      assert.equal(closed, false, 'close() waits for the answer in flight');
      open();
      const answer = await pending;
      assert.equal(answer.status, 200);
      await closing;
      assert.equal(t.server.inFlight, 0);
    } finally {
      session.destroy();
    }
  });

  // Whether close() waited for the grace period shows in what it did at its end: cutting
  // connections still open is logged as rest.close_cut, and only the grace timer does it.
  const cutAtClose = (log: RecordingLog) => log.lines.filter((l) => l.message === 'rest.close_cut');

  test('close() does not wait for idle keep-alive connections', async () => {
    const log = new RecordingLog();
    const t = await startTestServer({}, log);
    const session = http2.connect(t.server.url, { ca: t.ca });
    session.on('error', () => undefined);
    await h2RequestOn(session, { path: PATH, body: BODY });
    await t.close();
    assert.deepEqual(cutAtClose(log), [], 'closed before the grace period ended');
    session.destroy();
  });

  test('close() does not wait for idle HTTP/1.1 keep-alive connections', async () => {
    const log = new RecordingLog();
    const t = await startTestServer({}, log);
    const agent = new https.Agent({ keepAlive: true, ca: t.ca });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = https.request(new URL(PATH, t.server.url), { method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(BODY);
      });
      assert.equal(status, 200);
      await t.close();
      assert.deepEqual(cutAtClose(log), [], 'closed before the grace period ended');
    } finally {
      agent.destroy();
    }
  });

  test('close() drops an answer that never comes once CLOSE_GRACE_MS has passed', async () => {
    const log = new RecordingLog();
    const t: TestServer = await startTestServer({}, log);
    t.dispatcher.gate = new Promise<void>(() => undefined);
    const pending = h1Request(t, { path: PATH, body: BODY }).then(
      () => 'answered',
      () => 'dropped',
    );
    await eventually(() => t.dispatcher.received.length > 0, 'the request reached the dispatcher');
    await t.close();
    assert.deepEqual(
      cutAtClose(log).map((l) => l.fields),
      [{ connections: 1 }],
      `the connection waiting for its answer is cut when the ${CLOSE_GRACE_MS} ms grace ends`,
    );
    assert.equal(await pending, 'dropped');
  });

  test('a configured cert_file/key_file pair is served', async () => {
    const pair = await testTlsPair();
    const dir = tempDir();
    writeFileSync(join(dir, 'rest.crt'), pair.cert);
    writeFileSync(join(dir, 'rest.key'), pair.key);
    const config = { ...defaults(), cert_file: join(dir, 'rest.crt'), key_file: join(dir, 'rest.key') };
    const server = await startRestServer({ config, dispatcher: new ProgrammedDispatcher() });
    try {
      const answer = await h1Request({ server, ca: pair.cert } as TestServer, { path: PATH, body: BODY });
      assert.equal(answer.status, 200);
    } finally {
      await server.close();
    }
  });

  test('without cert files a localhost pair is generated in generated_cert_dir and served', async () => {
    const dir = join(tempDir(), 'tls');
    const server = await startRestServer({ config: { ...defaults(), generated_cert_dir: dir }, dispatcher: new ProgrammedDispatcher() });
    try {
      assert.ok(existsSync(join(dir, 'key.pem')));
      const ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const answer = await h1Request({ server, ca } as TestServer, { path: PATH, body: BODY });
      assert.equal(answer.status, 200);
    } finally {
      await server.close();
    }
  });

  test('a cert_file without its key_file is a configuration error', async () => {
    await assert.rejects(
      startRestServer({ config: { ...defaults(), cert_file: '/nonexistent.crt' }, dispatcher: new ProgrammedDispatcher() }),
      (e: unknown) => isHeraldError(e, 'HERALD_CONFIG_INVALID'),
    );
  });

  test('a port already in use makes start fail instead of hanging', async () => {
    const t = await startTestServer();
    try {
      await assert.rejects(
        startRestServer({ config: { ...defaults(), port: t.server.port }, dispatcher: t.dispatcher, tls: await testTlsPair() }),
        (e: unknown) => (e as NodeJS.ErrnoException).code === 'EADDRINUSE',
      );
    } finally {
      await t.close();
    }
  });
});
