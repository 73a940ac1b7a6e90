/**
 * @parse/node-apn as its README shows it, with token auth: a Provider (one HTTP/2 connection), or
 * its MultiProvider round-robin pool of `clientCount` Providers when the benchmark asks for more
 * connections. `address`/`port` point it at the APNS server (lib/config.js); `ca` trusts the
 * server's self-signed certificate (lib/credentials/ca). node-apn has no in-flight cap of its
 * own: it opens a stream per send, so the shared window driver bounds what is outstanding.
 */
import { readFileSync } from 'node:fs';
import apn from '@parse/node-apn';
import { BADGE, BODY, DEVICE_TOKEN, EXPIRATION_S, THREAD_ID, TITLE, TOPIC } from './notification.js';
import type { Contestant, ContestantSettings } from './protocol.js';
import { runWindow } from './window.js';

export function startNodeApnContestant(s: ContestantSettings): Contestant {
  const { hostname, port } = new URL(s.url);
  const options = {
    token: { key: readFileSync(s.keyFile, 'utf8'), keyId: s.keyId, teamId: s.teamId },
    production: false,
    address: hostname,
    port: Number(port),
    ca: [readFileSync(s.caFile, 'utf8')],
  };
  const provider =
    s.connections === 1 ? new apn.Provider(options) : new apn.MultiProvider({ ...options, clientCount: s.connections });
  const send = () => {
    // A fresh notification per send, as an application builds one per message.
    const note = new apn.Notification();
    note.alert = { title: TITLE, body: BODY };
    note.badge = BADGE;
    note.threadId = THREAD_ID;
    note.topic = TOPIC;
    note.pushType = 'alert';
    note.priority = 10;
    note.expiry = Math.floor(Date.now() / 1000) + EXPIRATION_S;
    return provider.send(note, DEVICE_TOKEN).then(({ sent, failed }) => {
      if (sent.length === 1) return 'ok';
      const f = failed[0];
      return `${f?.status ?? ''} ${f?.response?.reason ?? f?.error?.message ?? 'unknown'}`;
    });
  };
  return {
    run: (pushes, onProgress) => runWindow({ total: pushes, window: s.window, send, onProgress }),
    close() {
      // Provider.shutdown returns before the sessions are closed; its callback comes after.
      return new Promise<void>((resolve) => void provider.shutdown(resolve));
    },
  };
}
