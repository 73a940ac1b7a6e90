/**
 * The engine's plugins (src/plugins/): the modules `plugins.modules` names, then the objects the
 * embedder passed, behind one PluginChain. None configured: undefined, and the XMPP Server role
 * runs exactly as it does without the plugin feature.
 */
import type { HeraldConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import { loadPlugins } from '../plugins/load-plugins.js';
import { PluginChain } from '../plugins/plugin-chain.js';
import type { HeraldPlugin } from '../plugins/plugin.js';
import type { StartedParts } from './started-parts.js';

export async function startPlugins(config: HeraldConfig, objects: readonly HeraldPlugin[] | undefined, log: Logger, started: StartedParts): Promise<PluginChain | undefined> {
  if (config.plugins.modules.length === 0 && !objects?.length) return undefined;
  const plugins = await loadPlugins(config.plugins.modules, objects, config.plugins.options);
  const chain = new PluginChain(plugins, { budgetMs: config.plugins.hook_budget_ms, bodyMaxChars: config.xmpp_server.body_max_chars, log });
  started.add(() => chain.close());
  log.info('plugins.loaded', { plugins: plugins.map((p) => p.name), hook_budget_ms: config.plugins.hook_budget_ms });
  return chain;
}
