// Embedding Herald in a host XMPP server: the host hands Herald stanzas, session events and
// messages to users, and routes the stanzas Herald hands back. Run: node dist/examples/embed.js
// The pushes go to the bundled APNS simulator (the `herald/simulators` entry point), started
// beside the engine; the engine itself runs on the config it is handed, as in production.
import xml, { type Element } from '@xmpp/xml';
import { Herald, validateConfig } from '../src/index.js';
import { startSimulatorsFor } from '../src/simulators/index.js';

export async function main(dataDir: string): Promise<Element[]> {
  const config = validateConfig({
    store: { path: `${dataDir}/lmdb` },
    apns: { key_file: `${dataDir}/apns.p8` },
    rest: { enabled: false },
  });
  const routed: Element[] = [];
  const simulators = await startSimulatorsFor(config);
  const herald = await Herald.start({ config: simulators.config, host: { route: (stanza) => routed.push(stanza) } }).catch(async (e: unknown) => {
    await simulators.close();
    throw e;
  });
  try {
    // A client creates a push node on the App Server and enables push on its account.
    await herald.handleStanza(
      xml('iq', { type: 'set', id: 'n1', from: 'juliet@localhost/phone', to: 'push.localhost' },
        xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('create', { node: 'juliet-1' }))),
    );
    await herald.handleStanza(
      xml('iq', { type: 'set', id: 'e1', from: 'juliet@localhost/phone', to: 'juliet@localhost' },
        xml('enable', { xmlns: 'urn:xmpp:push:0', jid: 'push.localhost', node: 'juliet-1' },
          xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
            xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
            xml('field', { var: 'service' }, xml('value', {}, 'apns')),
            xml('field', { var: 'device_id' }, xml('value', {}, 'f'.repeat(64)))))),
    );
    // The session ends; a message arrives for the offline user and becomes an APNS push.
    herald.sessionUnavailable('juliet@localhost/phone');
    herald.messageToUser(
      xml('message', { type: 'chat', from: 'romeo@localhost/garden', to: 'juliet@localhost' }, xml('body', {}, 'Hi')),
    );
    const [push] = await simulators.apns!.waitForReceived(1, 5_000);
    console.log('APNS request for', push!.token.slice(0, 8), JSON.stringify(push!.payload));
    return routed;
  } finally {
    await herald.close();
    await simulators.close();
  }
}

if (process.argv[1]?.endsWith('embed.js')) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/herald-example-`);
  await main(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}
