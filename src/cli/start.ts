/**
 * `herald start`: the engine on a config, until SIGINT/SIGTERM. With `[component] enabled` Herald
 * joins the configured XMPP server as an XEP-0114 component (and keeps rejoining it) while it
 * serves the REST API; without it, stanzas Herald would route go to the log.
 */
import type { HeraldConfig } from '../core/config/schema.js';
import { createLogger, type Logger } from '../core/log.js';
import { ComponentLink, ComponentLinks } from '../component/index.js';
import { Herald, type HeraldHost } from '../embed/herald.js';

export async function runStart(config: HeraldConfig): Promise<void> {
  const log = createLogger('info');
  const link = config.component.enabled ? componentLinks(config, log) : undefined;
  const herald = await Herald.start({ config, logger: log, host: link ?? loggingHost(log) });
  link?.start(herald);
  log.info('herald.started', {
    rest: herald.rest?.url,
    apns: herald.apnsSimulator ? `simulator ${herald.apnsSimulator.url}` : config.apns.endpoint,
    store: config.store.path,
    component: link ? `${config.component.domain} at ${servicesOf(config).join(', ')}` : 'disabled',
  });
  if (herald.rest) {
    process.stdout.write(`Herald is running. REST API: ${herald.rest.url}/v3/notification/{device_id}\n`);
  }
  if (link) {
    process.stdout.write(`Joining ${servicesOf(config).join(', ')} as component ${config.component.domain}\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('herald.stopping', {});
  // Herald first: requests in flight still get their answers out on the stream.
  await herald.close();
  await link?.stop();
}

/** No XMPP server attached: what Herald would route is only logged. */
function loggingHost(log: Logger): HeraldHost {
  return { route: (stanza) => log.info('stanza.routed', { name: stanza.name, to: stanza.attrs.to, type: stanza.attrs.type }) };
}

/** One link per server: `[component]` itself, then each of `component.servers`. */
function componentLinks(config: HeraldConfig, log: Logger): ComponentLinks {
  const { servers, ...first } = config.component;
  const links = [first, ...servers.map((server) => ({ ...first, ...server }))].map(
    (server) => new ComponentLink({ config: { ...server, servers: [] }, xmpp: config.xmpp, log }),
  );
  return new ComponentLinks(links);
}

function servicesOf(config: HeraldConfig): string[] {
  return [config.component.service, ...config.component.servers.map((s) => s.service)];
}
