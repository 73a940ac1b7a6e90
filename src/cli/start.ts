/**
 * `herald start`: the engine on a config, until SIGINT/SIGTERM. Stanzas Herald would route go
 * to the log (no XMPP server is attached in this mode yet; the XEP-0114 component comes later).
 */
import type { HeraldConfig } from '../core/config/schema.js';
import { createLogger } from '../core/log.js';
import { Herald } from '../embed/herald.js';

export async function runStart(config: HeraldConfig): Promise<void> {
  const log = createLogger('info');
  const herald = await Herald.start({
    config,
    logger: log,
    host: { route: (stanza) => log.info('stanza.routed', { name: stanza.name, to: stanza.attrs.to, type: stanza.attrs.type }) },
  });
  log.info('herald.started', {
    rest: herald.rest?.url,
    apns: herald.apnsSimulator ? `simulator ${herald.apnsSimulator.url}` : config.apns.endpoint,
    store: config.store.path,
  });
  if (herald.rest) {
    process.stdout.write(`Herald is running. REST API: ${herald.rest.url}/v3/notification/{device_id}\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('herald.stopping', {});
  await herald.close();
}
