/**
 * Herald with its REST API, for the REST benchmark, in its own process: HTTPS on a free loopback
 * port with a generated self-signed certificate, APNS senders pointed at the simulator process
 * (`--apns-url`, `--ca-file`), FCM and the bundled simulators off. Prints a ready line with the
 * REST URL (ready-child.ts) and closes when stdin ends.
 *
 *   node dist/bench/rest/herald-rest-main.js --apns-url URL --ca-file FILE [--sender-threads N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../../src/core/config/load.js';
import { Herald } from '../../src/embed/engine.js';
import { createLogger } from '../../src/core/log.js';
import { ensureDevApnsKey } from '../../src/push-service/apns/dev-key.js';
import { announceReady } from './ready-child.js';

const { values } = parseArgs({
  options: {
    'apns-url': { type: 'string' },
    'ca-file': { type: 'string' },
    'sender-threads': { type: 'string' },
  },
});
if (values['apns-url'] === undefined || values['ca-file'] === undefined) {
  throw new Error('usage: herald-rest-main.js --apns-url URL --ca-file FILE [--sender-threads N]');
}

const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-rest-'));
const keyFile = join(dir, 'apns.p8');
// A throwaway .p8 key: the accept-all simulator does not check the tokens Herald signs with it.
ensureDevApnsKey(keyFile);
const config = validateConfig({
  store: { path: join(dir, 'lmdb') },
  apns: {
    // One pool (MongooseIM sends mode prod); the default adds a dev pool for Apple's sandbox.
    pools: [{ mode: 'prod' }],
    endpoint: values['apns-url'],
    ca_file: values['ca-file'],
    key_file: keyFile,
    ...(values['sender-threads'] === undefined ? {} : { sender_threads: Number(values['sender-threads']) }),
  },
  fcm: { enabled: false },
  rest: { enabled: true, bind: '127.0.0.1', port: 0, generated_cert_dir: join(dir, 'tls') },
  simulators: { apns: { enabled: false }, fcm: { enabled: false } },
});
// Logging as `herald start` logs: pino at info on stderr (inherited), so a line per request would
// show in the bench's output and cost in its figures.
const herald = await Herald.start({ config, logger: createLogger(config.log.level) });
// As Prometheus would, but far more often: GET /metrics every SCRAPE_EVERY_MS, so Herald's
// prom-client families are recorded and rendered and the runtime collectors (event-loop delay, GC
// observer) run during the rounds, and their cost is in Herald's figures (issue 10: it must not
// be measurable).
const SCRAPE_EVERY_MS = 1_000;
const scrape = () =>
  new Promise<void>((resolve, reject) => {
    https.get(`${herald.rest!.url}/metrics`, { rejectUnauthorized: false }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
await scrape();
const scraper = setInterval(() => void scrape().catch(() => undefined), SCRAPE_EVERY_MS);
announceReady(herald.rest!.url, async () => {
  clearInterval(scraper);
  await herald.close();
  rmSync(dir, { recursive: true, force: true });
});
