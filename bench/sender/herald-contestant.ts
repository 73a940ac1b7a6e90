/**
 * Herald's APNS sender as an application embeds it: `Herald.start({ config })` with the REST API
 * off, the XMPP roles idle and the bundled simulators off, then `herald.pushService.send()` per
 * notification. A send refused with HERALD_MAILBOX_FULL is backed off and retried.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/core/config/load.js';
import { isHeraldError } from '../../src/core/errors.js';
import { Herald } from '../../src/embed/engine.js';
import type { PushNotification } from '../../src/push-service/notification.js';
import { BADGE, BODY, DEVICE_TOKEN, EXPIRATION_S, THREAD_ID, TITLE, TOPIC } from './notification.js';
import type { Contestant, ContestantSettings } from './protocol.js';
import { NO_ROOM, runWindow } from './window.js';

export async function startHeraldContestant(s: ContestantSettings): Promise<Contestant> {
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-sender-'));
  const config = validateConfig({
    store: { path: join(dir, 'lmdb') },
    apns: {
      // One pool, so Herald has exactly `connections` connections (the default adds a dev pool).
      pools: [{ mode: 'prod' }],
      endpoint: s.url,
      ca_file: s.caFile,
      key_file: s.keyFile,
      key_id: s.keyId,
      team_id: s.teamId,
      default_topic: TOPIC,
      expiration_s: EXPIRATION_S,
      connections: s.connections,
      max_in_flight: s.inFlightPerConnection,
      ...(s.senderThreads === undefined ? {} : { sender_threads: s.senderThreads }),
    },
    fcm: { enabled: false },
    rest: { enabled: false },
    simulators: { apns: { enabled: false }, fcm: { enabled: false } },
  });
  const herald = await Herald.start({ config });
  const send = () => {
    // A fresh notification per send, as an application builds one per message.
    const notification: PushNotification = {
      service: 'apns',
      mode: 'prod',
      device_id: DEVICE_TOKEN,
      topic: TOPIC,
      alert: { title: TITLE, body: BODY, badge: BADGE, tag: THREAD_ID },
    };
    try {
      return herald.pushService.send(notification).then((outcome) => (outcome.ok ? 'ok' : `${outcome.status ?? ''} ${outcome.reason}`));
    } catch (e) {
      if (isHeraldError(e, 'HERALD_MAILBOX_FULL')) return NO_ROOM;
      throw e;
    }
  };
  return {
    run: (pushes, onProgress) => runWindow({ total: pushes, window: s.window, send, onProgress }),
    async close() {
      await herald.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
