/**
 * The control API's live stream (GET /events, server-sent events) and the inbox page's files,
 * without a browser: against a real APNS simulator and control server on port 0.
 */
import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { connect } from 'node:net';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { Logger } from '../../src/core/log.js';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import { startControlServer, type ControlOptions, type ControlServer } from '../../src/simulators/control/server.js';
import { eventually } from '../support/eventually.js';
import { KEY_ID, TEAM, connectTo, deviceToken, makeProviderKey, send, signJwt } from './apns-test-client.js';
import { openStream } from './event-stream-client.js';

const OPTIONS: ControlOptions = { host: '127.0.0.1', port: 0, maxBodyBytes: 65_536, defaultLimit: 50, maxLimit: 1_000 };
const TOKEN = 'inbox-secret';

describe('simulators control API: the live stream and the inbox page', () => {
  const key = makeProviderKey();
  const jwt = signJwt(key, Math.floor(Date.now() / 1000));
  const warnings: Array<Record<string, unknown>> = [];
  const log: Logger = { debug() {}, info() {}, warn: (_event, fields) => warnings.push(fields ?? {}), error() {} };
  let sim: ApnsSimulator;
  let client: ClientHttp2Session;
  const controls: ControlServer[] = [];
  const control = async (options: Partial<ControlOptions> = {}): Promise<ControlServer> => {
    const server = await startControlServer({ apns: sim }, { ...OPTIONS, log, ...options });
    controls.push(server);
    return server;
  };

  before(async () => {
    sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: key.publicKeyPem } });
  });
  after(() => sim.close());
  beforeEach(async () => {
    sim.reset();
    client = await connectTo(sim);
  });
  afterEach(async () => {
    client.destroy();
    for (const server of controls.splice(0)) await server.close();
  });

  const push = async (token: string, body?: string) => assert.equal((await send(client, { jwt, token, ...(body ? { body } : {}) })).status, 200);

  test('a push the simulator keeps arrives on /events as one delivery event', async () => {
    const stream = await openStream((await control()).url);
    assert.equal(stream.res.statusCode, 200);
    assert.match(stream.res.headers['content-type']!, /^text\/event-stream/);
    await eventually(() => sim.recordListeners === 1, 'the stream to subscribe');
    const token = deviceToken();
    await push(token);
    await eventually(() => stream.deliveries().some((d) => d.device === token), 'the delivery event');
    assert.deepEqual(stream.deliveries().map((d) => [d.device, d.answer.status]), [[token, 200]]);
    stream.close();
  });

  test('a stream opened late first replays the newest deliveries, oldest first', async () => {
    const tokens = [deviceToken(), deviceToken(), deviceToken()];
    for (const token of tokens) await push(token);
    const stream = await openStream((await control({ stream: { replay: 2 } })).url);
    await eventually(() => stream.deliveries().length === 2, 'the replay');
    assert.deepEqual(stream.deliveries().map((d) => d.device), tokens.slice(1));
    stream.close();
  });

  test('a quiet stream gets heartbeat comments', async () => {
    const stream = await openStream((await control({ stream: { heartbeatMs: 20 } })).url);
    await eventually(() => stream.text().includes('\n: heartbeat\n\n'), 'a heartbeat comment');
    stream.close();
  });

  test('with an auth token, /events wants it in the Authorization header or as ?token=; the page itself is served without it', async () => {
    const { url } = await control({ authToken: TOKEN });
    const refused = await openStream(url);
    assert.equal(refused.res.statusCode, 401);
    await eventually(() => refused.text() !== '', 'the refusal body');
    assert.match(JSON.parse(refused.text()).error, /bearer token/);
    assert.equal((await openStream(url, '/events?token=wrong-secret')).res.statusCode, 401);
    for (const stream of [await openStream(url, `/events?token=${TOKEN}`), await openStream(url, '/events', { authorization: `Bearer ${TOKEN}` })]) {
      assert.equal(stream.res.statusCode, 200);
      stream.close();
    }
    assert.equal((await fetch(url + '/')).status, 200);
    assert.equal((await fetch(url + '/deliveries')).status, 401, 'the JSON API still wants the token');
  });

  test('closing the stream leaves no listener on the simulator', async () => {
    const stream = await openStream((await control()).url);
    await eventually(() => sim.recordListeners === 1, 'the stream to subscribe');
    stream.close();
    await eventually(() => sim.recordListeners === 0, 'the stream to unsubscribe');
  });

  test('a client that stops reading is dropped once its unsent events pass the cap, and logged', async () => {
    const maxUnsentBytes = 65_536;
    const { url } = await control({ stream: { maxUnsentBytes } });
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.write('GET /events HTTP/1.1\r\nHost: control\r\n\r\n');
    socket.pause(); // reads nothing: the kernel's buffers fill, then the server's
    socket.on('error', () => {});
    try {
      await eventually(() => sim.recordListeners === 1, 'the stream to subscribe');
      // Large pushes (a 3 KiB body each) fill the socket buffers quickly; each round waits for its answers.
      const body = JSON.stringify({ aps: { alert: { title: 'fill', body: 'x'.repeat(3_000) } } });
      await eventually(async () => {
        await Promise.all(Array.from({ length: 50 }, () => push(deviceToken(), body)));
        return sim.recordListeners === 0;
      }, 'the non-reading client to be dropped', 30_000);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!.limit, maxUnsentBytes);
      // Dropped at the event that crossed the cap (each under 4 KiB), not later.
      const unsent = warnings[0]!.unsent_bytes as number;
      assert.ok(unsent > maxUnsentBytes && unsent < maxUnsentBytes + 4_096, `${unsent} bytes unsent at the drop`);
    } finally {
      socket.destroy();
    }
  });

  test('the page, its stylesheet and scripts are served from this server, under a policy that runs only them', async () => {
    const { url } = await control();
    for (const path of ['/', '/inbox']) {
      const page = await fetch(url + path);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /^text\/html/);
      assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
      const html = await page.text();
      assert.match(html, /<script type="module" src="\/inbox\/main\.js">/);
      assert.doesNotMatch(html, /https?:\/\//, 'nothing loaded from elsewhere');
    }
    assert.match((await fetch(url + '/inbox/inbox.css')).headers.get('content-type')!, /^text\/css/);
    const script = await fetch(url + '/inbox/main.js');
    assert.equal(script.status, 200, 'built by npm run build');
    assert.match(script.headers.get('content-type')!, /^text\/javascript/);
    assert.match(await script.text(), /new EventSource/);
    assert.equal((await fetch(url + '/inbox/tsconfig.json')).status, 404);
    assert.equal((await fetch(url + '/inbox/../../server.js')).status, 404);
  });
});
