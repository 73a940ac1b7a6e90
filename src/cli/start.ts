/**
 * `herald start`: the engine on a config, until SIGINT/SIGTERM. With `[component] enabled` Herald
 * joins the configured XMPP server as an XEP-0114 component (and keeps rejoining it) while it
 * serves the REST API; without it, stanzas Herald would route go to the log. It owns its process,
 * so it installs the process failure policy (core/process-failures.ts): an uncaught exception is
 * logged and exits 70 for the supervisor to restart Herald; an unhandled rejection is logged and counted.
 */
import { ConfigFileError } from '../core/config/config-file-error.js';
import type { HeraldConfig } from '../core/config/schema.js';
import { describeListenError } from '../preflight/port-probe.js';
import { createLogger, type Logger } from '../core/log.js';
import { installProcessFailureHandlers } from '../core/process-failures.js';
import { ComponentLink, ComponentLinks, LeadingLinks, type StanzaSink } from '../component/index.js';
import type { HeraldHost } from '../embed/engine.js';
import { startEngine, type PushEngine } from '../shards/start-engine.js';
import { startSimulatorsFor, type RunningSimulators } from '../simulators/for-config.js';

export async function runStart(config: HeraldConfig, warnings: readonly string[] = []): Promise<void> {
  const log = createLogger(config.log.level);
  // Listening for the signals before anything starts (and before "running" is printed): a
  // supervisor that signals as soon as it reads that line must get a clean stop, not a kill.
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  for (const warning of warnings) log.warn('config.warning', { warning });
  installProcessFailureHandlers(log);
  const link = config.component.enabled ? joinedServers(config, log) : undefined;
  let simulators: RunningSimulators | undefined;
  let herald: PushEngine;
  try {
    // [simulators]: started here, outside the engine, which gets a config pointing at them.
    simulators = await startSimulatorsFor(config, log);
    herald = await startEngine({ config: simulators.config, logger: log, host: link ?? loggingHost(log) });
  } catch (e) {
    // Herald.start stopped what it had started; a port taken since the pre-flight is named here.
    await simulators?.close();
    throw listenFailure(e, config) ?? e;
  }
  link?.start(herald);
  log.info('herald.started', {
    rest: herald.rest?.url,
    apns: simulators.apns ? `simulator ${simulators.apns.url}` : config.apns.endpoint,
    simulator_control: simulators.control?.url,
    store: config.store.path,
    component: link ? `${config.app_server.jid} at ${servicesOf(config).join(', ')}` : 'disabled',
  });
  if (herald.rest) {
    process.stdout.write(`Herald is running. REST API: ${herald.rest.url}/v3/notification/{device_id}\n`);
  }
  if (simulators.control) {
    // The page asks for ?token=<simulators.control.auth_token> when one is set (not printed: a secret).
    const token = config.simulators.control.auth_token !== undefined ? '?token=<simulators.control.auth_token>' : '';
    process.stdout.write(`Push inbox: ${simulators.control.url}/${token}\n`);
  }
  if (link) {
    const whileLeading = config.component.instances === 'one_holds_the_link' ? ' while this instance holds the link (component.instances = "one_holds_the_link")' : '';
    process.stdout.write(`Joining ${servicesOf(config).join(', ')} as component ${config.app_server.jid}${whileLeading}\n`);
  }
  await stopRequested;
  log.info('herald.stopping', {});
  // Herald first: requests in flight still get their answers out on the stream.
  await herald.close();
  await link?.stop();
  await simulators.close();
}

/** A listen(2) failure (port taken, no privileges) as a HERALD_CONFIG_FILE naming the port's key. */
function listenFailure(e: unknown, config: HeraldConfig): ConfigFileError | undefined {
  const error = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (error?.syscall !== 'listen' || error.port === undefined) return undefined;
  const candidates: Array<[string, number]> = [
    ['rest.port', config.rest.port],
    ['simulators.apns.port', config.simulators.apns.port],
    ['simulators.fcm.port', config.simulators.fcm.port],
    ['simulators.control.port', config.simulators.control.port],
  ];
  const key = candidates.find(([, port]) => port === error.port)?.[0] ?? 'rest.port';
  return ConfigFileError.of(key, `${error.address ?? ''}:${error.port}`, describeListenError(error));
}

/** No XMPP server attached: what Herald would route is only logged. */
function loggingHost(log: Logger): HeraldHost {
  return { route: (stanza) => log.info('stanza.routed', { name: stanza.name, to: stanza.attrs.to, type: stanza.attrs.type }) };
}

/** What `herald start` joins the servers with: every instance's links, or the leader's only. */
type JoinedServers = HeraldHost & { start(sink: StanzaSink): void; stop(): Promise<void> };

/**
 * `component.instances`: `all_join`, this instance's links; `one_holds_the_link`, links joined
 * only while this instance holds the domain's leadership in the shared PostgreSQL.
 */
function joinedServers(config: HeraldConfig, log: Logger): JoinedServers {
  if (config.component.instances === 'all_join') return componentLinks(config, log);
  const { url, connect_timeout_ms } = config.store.postgres;
  return new LeadingLinks({
    // The schema refuses one_holds_the_link without store.backend = "postgres", which requires the url.
    url: url!,
    domain: config.app_server.jid,
    pollMs: config.component.leadership.poll_ms,
    timeoutMs: connect_timeout_ms,
    log,
    links: () => componentLinks(config, log),
  });
}

/** One link per server: `[component]` itself, then each of `component.servers`. */
function componentLinks(config: HeraldConfig, log: Logger): ComponentLinks {
  const { servers, ...first } = config.component;
  const links = [first, ...servers.map((server) => ({ ...first, ...server }))].map(
    (server) => new ComponentLink({ config: server, domain: config.app_server.jid, xmpp: config.xmpp, log }),
  );
  return new ComponentLinks(links);
}

function servicesOf(config: HeraldConfig): string[] {
  return [config.component.service, ...config.component.servers.map((s) => s.service)];
}
