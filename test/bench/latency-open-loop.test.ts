/**
 * The latency benchmark's generator (bench/latency) is open-loop: requests leave on their
 * schedule whatever the server does, and each latency runs from the scheduled send time. Against
 * a tiny HTTP server that stalls, the recorded latencies must carry the stall for every request
 * that queued behind it — in the server, or in the client waiting for a connection. A closed
 * loop would have waited for the first slow answer and recorded that one request as slow.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { clockFrom } from '../../bench/latency/clock.js';
import { Http1Pool } from '../../bench/latency/http1-pool.js';
import { Metronome } from '../../bench/latency/metronome.js';
import { runOpenLoop } from '../../bench/latency/open-loop.js';

const RATE_PER_S = 100;
const SECONDS = 0.6;
/** Requests answered at once before the stall begins. */
const BEFORE_STALL = 10;
/** Requests the server holds; it answers them all when the last one arrives. */
const HELD = 20;

/** ms the generator's loop is blocked in the first send of the generator-lateness test. */
const GENERATOR_BLOCK_MS = 100;

/** Delay before the first request's answer in the injected-delay test (ms). */
const FIRST_ANSWER_DELAY_MS = 200;

type Answer = () => void;

/**
 * A tiny HTTP server answering 200 `null`; `policy` gets each request's arrival number (from 1)
 * and its answer, to call now, later, or when some condition holds.
 */
async function tinyServer(policy: (n: number, answer: Answer) => void) {
  let arrived = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => policy(++arrived, () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': 4 }).end('null')));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const REQUEST = { method: 'POST', path: '/v3/notification/x', headers: {}, body: '{}' };

describe('the open-loop generator of the latency benchmark', () => {
  const base = process.hrtime.bigint();
  const clock = clockFrom(base);
  let metronome: Metronome;
  before(async () => (metronome = await Metronome.start(base)));
  after(() => metronome.close());

  it('keeps sending on schedule while a stalled server answers nothing, and charges the stall to every request queued behind it', async () => {
    // Requests BEFORE_STALL+1 … BEFORE_STALL+HELD are held until all HELD are in, then answered.
    const held: Answer[] = [];
    let mostHeld = 0;
    const server = await tinyServer((n, answer) => {
      if (n <= BEFORE_STALL || n > BEFORE_STALL + HELD) return answer();
      held.push(answer);
      mostHeld = Math.max(mostHeld, held.length);
      if (held.length === HELD) held.splice(0).forEach((a) => a());
    });
    const pool = new Http1Pool(server.url, REQUEST, 100);
    try {
      const r = await runOpenLoop({ target: pool, metronome, clock, ratePerS: RATE_PER_S, seconds: SECONDS });
      const count = RATE_PER_S * SECONDS;

      assert.equal(r.scheduled, count);
      assert.deepEqual({ ok: r.ok, failures: r.failures, lost: r.lost }, { ok: count, failures: {}, lost: 0 });
      assert.equal(r.lag.totalCount, count, 'every send has its schedule lag recorded');
      // The stall ended only because sends went on without answers: HELD requests were waiting at
      // once, each on its own HTTP/1.1 connection.
      assert.equal(mostHeld, HELD);
      assert.ok(pool.peakOpen >= HELD, `${pool.peakOpen} connections open at most`);

      // Held request k (1…HELD) was due (k - 1) / rate after the first held one, and answered no
      // earlier than the last one was due, HELD - 1 intervals after the first: so it waited at
      // least (HELD - k) intervals from its scheduled time — HELD / 2 of them ≥ HELD / 2 intervals.
      const intervalMs = 1000 / RATE_PER_S;
      const slow = HELD / 2;
      const rankOfFirstSlow = count - slow + 1;
      const atRank = r.latency.getValueAtPercentile((100 * rankOfFirstSlow) / count) / 1000;
      assert.ok(atRank >= slow * intervalMs, `the ${slow} slowest latencies are ≥ ${slow * intervalMs} ms (the least of them: ${atRank} ms)`);
      assert.ok(r.latency.maxValue / 1000 >= (HELD - 1) * intervalMs, `max ${r.latency.maxValue / 1000} ms`);
    } finally {
      pool.close();
      server.close();
    }
  });

  it('charges an injected server delay to the requests queued behind it in the client, from their scheduled times', async () => {
    // One connection: while the server sits on the first answer, the next requests wait in the
    // client. A latency from the actual send would leave that wait out; from the schedule it is in.
    const server = await tinyServer((n, answer) => (n === 1 ? setTimeout(answer, FIRST_ANSWER_DELAY_MS) : answer()));
    const pool = new Http1Pool(server.url, REQUEST, 1);
    try {
      const r = await runOpenLoop({ target: pool, metronome, clock, ratePerS: RATE_PER_S, seconds: SECONDS });
      const count = RATE_PER_S * SECONDS;
      assert.deepEqual({ ok: r.ok, failures: r.failures, lost: r.lost }, { ok: count, failures: {}, lost: 0 });
      assert.equal(pool.peakOpen, 1);

      // Request k ≥ 2 was due (k - 1) intervals after the first and left only after the first
      // answer, ≥ FIRST_ANSWER_DELAY_MS after the first was due: it waited ≥ that minus (k - 1)
      // intervals. So the first one and the next half-delay's worth of requests waited ≥ half
      // the delay.
      const intervalMs = 1000 / RATE_PER_S;
      const halfDelayMs = FIRST_ANSWER_DELAY_MS / 2;
      const slow = 1 + halfDelayMs / intervalMs;
      assert.ok(pool.waitedForConnection >= slow - 1, `${pool.waitedForConnection} requests waited for the connection`);
      const leastSlow = r.latency.getValueAtPercentile((100 * (count - slow + 1)) / count) / 1000;
      assert.ok(leastSlow >= halfDelayMs, `the ${slow} slowest latencies are ≥ ${halfDelayMs} ms (the least of them: ${leastSlow} ms)`);
      assert.ok(r.latency.maxValue / 1000 >= FIRST_ANSWER_DELAY_MS, `max ${r.latency.maxValue / 1000} ms`);
    } finally {
      pool.close();
      server.close();
    }
  });

  it("tells the generator's own lateness apart: from the schedule = from the actual send + the send lag, request by request", async () => {
    // The generator's loop is blocked once, in the first send: the requests due meanwhile leave
    // late. Their lateness is in `latency` and in `lag`, not in `fromSend`.
    let sends = 0;
    const target = {
      send(done: (outcome: { ok: true }) => void) {
        if (sends++ === 0) {
          const until = clock() + GENERATOR_BLOCK_MS;
          while (clock() < until); // the generator busy elsewhere
        }
        setImmediate(() => done({ ok: true }));
      },
    };
    const r = await runOpenLoop({ target, metronome, clock, ratePerS: RATE_PER_S, seconds: SECONDS });
    const count = RATE_PER_S * SECONDS;
    assert.deepEqual({ ok: r.ok, failures: r.failures, lost: r.lost }, { ok: count, failures: {}, lost: 0 });
    assert.ok(r.lag.maxValue / 1000 >= GENERATOR_BLOCK_MS / 2, `send lag max ${r.lag.maxValue / 1000} ms`);
    // Every request was answered OK, so the identity holds for the sums (to the histograms' precision).
    const sumMs = (h: typeof r.latency) => (h.mean * h.totalCount) / 1000;
    const expected = sumMs(r.fromSend) + sumMs(r.lag);
    assert.ok(Math.abs(sumMs(r.latency) - expected) <= 0.01 * expected + 1, `${sumMs(r.latency)} ms vs ${expected} ms`);
  });
});
