/**
 * What the HTTP/2 transport logs (http2/connection-log.ts), read as the JSON lines pino writes:
 * a session connected, a GOAWAY with its code and reason, a dropped connection, a connect that
 * fails, each followed by the lost session and its reconnect delay; PING timeouts; and nothing at
 * info for notifications sent on a working connection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, type LogLevel } from '../../../src/core/log.js';
import { Http2Connection } from '../../../src/push-service/http2/connection.js';
import { eventually } from '../../support/eventually.js';
import { closedPort } from '../../support/loopback.js';
import { PLAIN_ANSWERS, startMutePeer } from '../http2/test-server.js';
import { PROVIDERS } from './provider-rig.js';

interface Line {
  level: LogLevel;
  event: string;
  [field: string]: unknown;
}

/** Herald's own logger at `level`, its lines parsed as they were written. */
function capture(level: LogLevel = 'debug'): { log: ReturnType<typeof createLogger>; lines: Line[]; of(event: string): Line[]; sessions(event: string): unknown[] } {
  const lines: Line[] = [];
  const log = createLogger(level, (text) => {
    assert.ok(text.endsWith('\n'), 'one line per write');
    lines.push(JSON.parse(text) as Line);
  });
  const of = (event: string): Line[] => lines.filter((l) => l.event === event);
  return { log, lines, of, sessions: (event) => of(event).map((l) => l.session) };
}

for (const provider of PROVIDERS) {
  const area = `${provider.name.toLowerCase()}.connection`;

  describe(`${provider.name} transport log`, { timeout: 30_000 }, () => {
    it(`a session that connects is logged as ${area}.connected, with its endpoint, at info`, async () => {
      const { log, of } = capture();
      const h = await provider.start({ connection: { connections: 1 }, log });
      try {
        assert.equal((await h.service.send(provider.alertTo(provider.deviceToken()))).ok, true);
        const [connected] = of(`${area}.connected`);
        assert.equal(connected?.level, 'info');
        assert.equal(connected?.endpoint, h.sim.url);
        assert.equal(connected?.session, 1);
        assert.equal(connected?.after_failures, 0);
        assert.match(String(connected?.sender), /-sender-\d+-0$/);
      } finally {
        await h.close();
      }
    });

    it(`a GOAWAY is logged with its code and reason, then the session as lost with its reconnect delay`, async () => {
      const { log, of, sessions } = capture();
      const h = await provider.start({ connection: { connections: 1 }, log });
      try {
        const token = provider.deviceToken();
        h.sim.program(token, { fault: 'goaway', times: 1 });
        assert.equal((await h.service.send(provider.alertTo(token))).ok, true, 'resent on a new session');
        const [goaway] = of(`${area}.goaway`);
        assert.equal(goaway?.code, 0);
        assert.equal(goaway?.level, 'info', 'NO_ERROR: a graceful shutdown');
        assert.equal(typeof goaway?.last_stream_id, 'number');
        if (provider.name === 'APNS') assert.match(String(goaway?.reason), /"reason":"Shutdown"/);
        const [lost] = of(`${area}.lost`);
        assert.match(String(lost?.why), /^GOAWAY code 0/);
        assert.equal(typeof lost?.reconnect_in_ms, 'number');
        assert.deepEqual(sessions(`${area}.connected`), [1, 2]);
      } finally {
        await h.close();
      }
    });

    it('a connection dropped under a request is logged as lost, and the new session as connected', async () => {
      const { log, of, sessions } = capture();
      const h = await provider.start({ connection: { connections: 1 }, log });
      try {
        const token = provider.deviceToken();
        h.sim.program(token, { fault: 'drop-connection', times: 1 });
        assert.deepEqual(await h.service.send(provider.alertTo(token)), { ok: false, reason: 'connection_lost' });
        await eventually(() => of(`${area}.lost`).length === 1, 'the lost session logged', 10_000);
        assert.deepEqual(sessions(`${area}.lost`), [1]);
        assert.equal((await h.service.send(provider.alertTo(provider.deviceToken()))).ok, true, 'sent on a new session');
        assert.deepEqual(sessions(`${area}.connected`), [1, 2]);
      } finally {
        await h.close();
      }
    });

    it('a connect that fails is logged as a session error, then as lost with the backoff before the next attempt', async () => {
      const { log, of } = capture();
      const h = await provider.start({ endpoint: `https://127.0.0.1:${await closedPort()}`, connection: { connections: 1, retry_attempts: 0, reconnect: { backoff_ms: 50, max_ms: 50 } }, log });
      try {
        const outcome = await h.service.send(provider.alertTo(provider.deviceToken()));
        assert.equal(outcome.ok, false);
        const [error] = of(`${area}.session_error`);
        assert.equal(error?.level, 'warn');
        assert.equal(error?.connected, false);
        assert.match(JSON.stringify(error?.error), /ECONNREFUSED/);
        const [lost] = of(`${area}.lost`);
        assert.equal(lost?.consecutive_failures, 1);
        assert.ok(Number(lost?.reconnect_in_ms) <= 50, `reconnect_in_ms ${String(lost?.reconnect_in_ms)} within reconnect.max_ms`);
        assert.deepEqual(of(`${area}.connected`), []);
      } finally {
        await h.close();
      }
    });

    it('notifications sent on a working connection write no line at info', async () => {
      const { log, lines } = capture('info');
      const h = await provider.start({ connection: { connections: 1 }, log });
      try {
        assert.equal((await h.service.send(provider.alertTo(provider.deviceToken()))).ok, true);
        const afterConnect = lines.length;
        for (let i = 0; i < 50; i++) assert.equal((await h.service.send(provider.alertTo(provider.deviceToken()))).ok, true);
        assert.deepEqual(lines.slice(afterConnect), []);
      } finally {
        await h.close();
      }
    });
  });
}

describe('PING timeout', { timeout: 30_000 }, () => {
  it('an unanswered PING is logged as a ping_timeout, then the session as lost', async () => {
    const mute = await startMutePeer();
    const { log, of } = capture();
    const conn = new Http2Connection({
      endpoint: mute.url,
      ca: mute.ca,
      label: 'APNS',
      answers: PLAIN_ANSWERS,
      maxInFlight: 10,
      requestTimeoutMs: 100,
      reconnect: { backoff_ms: 10, max_ms: 1_000 },
      pingIntervalMs: 20,
      keepWarm: true,
      log,
    });
    try {
      conn.warmUp();
      await eventually(() => of('apns.connection.lost').length >= 1, 'the session lost', 10_000);
      const [timeout] = of('apns.connection.ping_timeout');
      assert.equal(timeout?.level, 'warn');
      assert.equal(timeout?.timeout_ms, 100);
      assert.equal(of('apns.connection.lost')[0]!.why, 'PING unanswered');
    } finally {
      await conn.destroy();
      mute.close();
    }
  });
});
