/**
 * `GET /events`: the deliveries as they are kept, as server-sent events (WHATWG HTML §9.2,
 * "Server-sent events"): one `delivery` event per record, its data the Delivery as JSON. On
 * connect the newest deliveries are replayed (oldest first), so a page opened late (or one whose
 * EventSource reconnected) is not empty; the page drops what it already shows by service and id.
 * No `id:` lines and no Last-Event-ID resume: the replay already covers a reconnect.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/log.js';
import { apnsDelivery, deliveryPage, fcmDelivery, webPushDelivery, type Delivery, type Simulators } from './deliveries.js';

/**
 * A comment line this often keeps a quiet stream open through proxies that close idle
 * connections (nginx's proxy_read_timeout is 60 s, HAProxy's `timeout client` often 30 s), and
 * makes a write fail soon after a client vanished without a FIN.
 */
export const HEARTBEAT_MS = 15_000;
/** Deliveries replayed on connect: one screen of the inbox page. */
export const REPLAY_DELIVERIES = 50;
/**
 * Bytes a stream may hold unsent in Herald (above what the kernel took) before its client is
 * dropped: a client that stops reading must not make the server buffer without end. 1 MiB is
 * about 250 full-size (4 KiB) APNS deliveries, far more than a page that reads ever lags.
 */
export const MAX_UNSENT_BYTES = 1_048_576;
/** EventSource's wait before reconnecting, ms (the stream's `retry:` field). */
const RECONNECT_MS = 2_000;

export interface EventStreamOptions {
  heartbeatMs: number;
  replay: number;
  maxUnsentBytes: number;
  log?: Logger;
}

export const EVENT_STREAM_DEFAULTS: EventStreamOptions = { heartbeatMs: HEARTBEAT_MS, replay: REPLAY_DELIVERIES, maxUnsentBytes: MAX_UNSENT_BYTES };

/** One `delivery` event (JSON.stringify writes no line break, so one `data:` line suffices). */
export function deliveryEvent(delivery: Delivery): string {
  return `event: delivery\ndata: ${JSON.stringify(delivery)}\n\n`;
}

/** Streams `sims`' deliveries to `res` until the client goes, or falls too far behind. */
export function serveEventStream(sims: Simulators, req: IncomingMessage, res: ServerResponse, options: EventStreamOptions): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    // nginx buffers proxied answers unless told not to: events would arrive in lumps.
    'x-accel-buffering': 'no',
  });
  const unsubscribes: Array<() => void> = [];
  let heartbeat: NodeJS.Timeout | undefined;
  let open = true;
  const end = (): void => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    for (const unsubscribe of unsubscribes) unsubscribe();
    res.destroy();
  };
  const send = (text: string): void => {
    if (!open) return;
    res.write(text);
    if (res.writableLength > options.maxUnsentBytes) {
      options.log?.warn('simulator_control.stream_dropped', { client: req.socket.remoteAddress, unsent_bytes: res.writableLength, limit: options.maxUnsentBytes });
      end();
    }
  };
  res.on('close', end);
  send(`retry: ${RECONNECT_MS}\n\n`);
  for (const delivery of deliveryPage(sims, {}, options.replay).deliveries.reverse()) send(deliveryEvent(delivery));
  if (!open) return; // dropped during the replay: nothing may be subscribed
  const { apns, fcm, webpush } = sims;
  if (apns) unsubscribes.push(apns.onRecord((event) => send(deliveryEvent(apnsDelivery(apns, event)))));
  if (fcm) unsubscribes.push(fcm.onRecord((event) => send(deliveryEvent(fcmDelivery(fcm, event)))));
  if (webpush) unsubscribes.push(webpush.onRecord((event) => send(deliveryEvent(webPushDelivery(webpush, event)))));
  heartbeat = setInterval(() => send(': heartbeat\n\n'), options.heartbeatMs);
}
