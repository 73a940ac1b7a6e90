/**
 * Entry point of a sender thread: APNS sender actors and their HTTP/2 connections run here, on
 * their own core. The node:http2 client costs ~70 µs of CPU per request on this class
 * of machine, as much as all of Herald's XMPP work for a push, so the two halves run in parallel.
 */
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { startActorRuntime } from '../../actors/index.js';
import { isHeraldError } from '../../core/errors.js';
import { relayingLogger } from '../../core/log-relay.js';
import { APNS_ANSWERS } from '../apns/answer-reader.js';
import { apnsSenderProvider } from '../apns/sender-provider.js';
import { ForwardedToken } from '../apns/forwarded-token.js';
import { SenderGroup } from '../http2/sender-group.js';
import type { PushOutcome } from '../notification.js';
import type { FromSenderThread, SenderThreadInit, ToSenderThread } from './protocol.js';
import { decodeRequestBatch } from './request-batch.js';

const port = parentPort!;
const init = workerData as SenderThreadInit;
const post = (msg: FromSenderThread): void => port.postMessage(msg);

try {
  const runtime = startActorRuntime();
  // The main thread mints the provider token and sends it with every batch; Apple's refusals of
  // it go back there (a token minted here would make Apple refuse one as too many updates).
  const relayedToken = new ForwardedToken('', (authorization) => post({ type: 'token_refused', authorization }));
  const senders = new SenderGroup({
    label: 'APNS',
    pool: init.pool,
    parent: runtime.system,
    mailboxCapacity: init.senderMailboxCapacity,
    clientCertificate: init.pool.certificate,
    answers: APNS_ANSWERS,
    provider: apnsSenderProvider(relayedToken),
    warmUp: init.warmUp,
    // The connections' lines go to the main thread's logger, which names the pool and thread.
    log: relayingLogger((line) => post({ type: 'log', line })),
  });

  // Outcomes settled during one turn leave together.
  let deliveredIds: number[] = [];
  let deliveredApnsIds: string[] = [];
  let otherIds: number[] = [];
  let others: Array<PushOutcome | { thrown: string; message: string }> = [];
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    post({ type: 'outcomes', deliveredIds, deliveredApnsIds: deliveredApnsIds.join(','), otherIds, others } as FromSenderThread);
    deliveredIds = [];
    deliveredApnsIds = [];
    otherIds = [];
    others = [];
  };
  const settle = (id: number, outcome: PushOutcome | { thrown: string; message: string }): void => {
    if ('ok' in outcome && outcome.ok) {
      deliveredIds.push(id);
      deliveredApnsIds.push(outcome.id);
    } else {
      otherIds.push(id);
      others.push(outcome);
    }
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  let elu = performance.eventLoopUtilization();
  const statsTimer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    post({ type: 'stats', stats: senders.stats(), utilization: performance.eventLoopUtilization(now, elu).utilization, heapUsed: heapUsed() });
    elu = now;
  }, init.statsIntervalMs);
  statsTimer.unref();

  port.on('message', (msg: ToSenderThread) => {
    if (msg.type === 'send') {
      relayedToken.relayed(msg.authorization);
      const requests = decodeRequestBatch(msg.requests);
      for (let i = 0; i < requests.length; i++) {
        const id = msg.firstId + i;
        try {
          senders.enqueue(requests[i]!, (outcome) => settle(id, outcome));
        } catch (e) {
          settle(id, { thrown: isHeraldError(e) ? e.code : 'unexpected', message: e instanceof Error ? e.message : String(e) });
        }
      }
    } else if (msg.type === 'token') {
      relayedToken.answered(msg.authorization);
    } else if (msg.type === 'close') {
      clearInterval(statsTimer);
      void senders.close(msg.graceMs).then(() => {
        if (flushScheduled) flush();
        runtime.stop();
        post({ type: 'stats', stats: senders.stats() });
        post({ type: 'closed' });
        port.close();
      });
    }
  });
  post({ type: 'stats', stats: senders.stats() });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
}

/**
 * The thread's V8 heap in bytes, or undefined (unavailable) if it cannot be read: a number for
 * metrics is never worth the thread. (process.memoryUsage() opens /proc/self/stat and throws
 * EMFILE when the process is out of file descriptors, which used to kill this thread; V8's own
 * counter opens nothing.)
 */
function heapUsed(): number | undefined {
  try {
    return getHeapStatistics().used_heap_size;
  } catch {
    return undefined;
  }
}
