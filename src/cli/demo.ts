/**
 * `herald demo`: the whole XEP-0357 path through the embedding API, on a throw-away store and
 * the bundled simulators (started beside the engine, which gets a config pointing at them),
 * printing every stanza and the APNS request it produced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { validateConfig } from '../core/config/load.js';
import { Herald } from '../embed/engine.js';
import { startSimulatorsFor } from '../simulators/for-config.js';
import { attr } from '../xmpp/attr.js';

const DEVICE = 'c0ffee'.repeat(10) + 'c0ff';
/** An App Server outside this engine: publishes to it leave as stanzas through the host. */
const REMOTE_APP_SERVER = 'push.example.net';

export async function runDemo(print: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-demo-'));
  const config = validateConfig({
    store: { path: join(dir, 'lmdb') },
    apns: { key_file: join(dir, 'apns.p8') },
    rest: { enabled: false },
  });
  // The APNS and FCM simulators the default [simulators] ask for; the engine gets a config pointing at them.
  const simulators = await startSimulatorsFor(config);
  const replies = new Map<string, (el: Element) => void>();
  let remotePublished: () => void = () => {};
  const remoteDone = new Promise<void>((resolve) => (remotePublished = resolve));
  const herald: Herald = await Herald.start({
    config: simulators.config,
    host: {
      route(stanza) {
        print(`<- Herald routes:\n${stanza.toString()}\n`);
        replies.get(attr(stanza, 'id') ?? '')?.(stanza);
        if (stanza.name === 'iq' && stanza.attrs.to === REMOTE_APP_SERVER && stanza.attrs.type === 'set') {
          // Play the remote App Server: accept the publish (XEP-0357 §5) with an IQ result.
          const result = xml('iq', { type: 'result', id: stanza.attrs.id, from: REMOTE_APP_SERVER, to: stanza.attrs.from });
          print(`-> the remote App Server ${REMOTE_APP_SERVER} answers:\n${result.toString()}\n`);
          void herald.handleStanza(result).then(remotePublished);
        }
      },
    },
  }).catch(async (e: unknown) => {
    await simulators.close();
    throw e;
  });
  const send = async (label: string, stanza: Element): Promise<void> => {
    print(`-> ${label}:\n${stanza.toString()}\n`);
    const answered = new Promise<Element>((resolve) => replies.set(attr(stanza, 'id') ?? '', resolve));
    await herald.handleStanza(stanza);
    await answered;
  };
  try {
    await send(
      'juliet creates a push node on the App Server',
      xml('iq', { type: 'set', id: 'create-1', from: 'juliet@localhost/balcony', to: 'push.localhost' },
        xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('create', { node: 'juliet-phone', type: 'push' }))),
    );
    await send(
      'juliet enables push on her server',
      xml('iq', { type: 'set', id: 'enable-1', from: 'juliet@localhost/balcony', to: 'juliet@localhost' },
        xml('enable', { xmlns: 'urn:xmpp:push:0', jid: 'push.localhost', node: 'juliet-phone' },
          xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
            xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
            xml('field', { var: 'service' }, xml('value', {}, 'apns')),
            xml('field', { var: 'device_id' }, xml('value', {}, DEVICE)),
            xml('field', { var: 'topic' }, xml('value', {}, 'com.example.herald'))))),
    );
    await send(
      "juliet's second device uses a remote App Server",
      xml('iq', { type: 'set', id: 'enable-2', from: 'juliet@localhost/tablet', to: 'juliet@localhost' },
        xml('enable', { xmlns: 'urn:xmpp:push:0', jid: REMOTE_APP_SERVER, node: 'tablet-node' },
          xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
            xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
            xml('field', { var: 'service' }, xml('value', {}, 'fcm')),
            xml('field', { var: 'device_id' }, xml('value', {}, 'fcm-registration-token'))))),
    );
    print('.. juliet goes offline\n');
    herald.sessionUnavailable('juliet@localhost/balcony');
    const message = xml('message', { type: 'chat', id: 'msg-1', from: 'romeo@localhost/orchard', to: 'juliet@localhost' },
      xml('body', {}, 'Wherefore art thou, Romeo?'));
    print(`-> romeo's message reaches Herald:\n${message.toString()}\n`);
    herald.messageToUser(message);
    print('.. the publish for push.localhost stays in-process (a value handed to the node actor, no XML);');
    print(`.. the one for ${REMOTE_APP_SERVER} leaves through the host as the XEP-0357 publish IQ below.\n`);
    const [request] = await simulators.apns!.waitForReceived(1, 10_000);
    await remoteDone;
    print('== the APNS simulator received:');
    print(`POST /3/device/${request!.token}`);
    for (const [name, value] of Object.entries(request!.headers)) if (value !== undefined) print(`${name}: ${value}`);
    print(`\n${JSON.stringify(request!.payload, null, 2)}`);
    print('\n== to watch pushes arrive live: `npm start`, then open the push inbox at the URL it prints');
    print('   ("Push inbox: http://127.0.0.1:8025/" with config/default.toml) and send a push to the REST API.');
  } finally {
    await herald.close();
    await simulators.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
