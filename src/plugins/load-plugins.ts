/**
 * The plugins of one engine: the ES modules `plugins.modules` names (imported here, on each
 * thread that runs the XMPP Server role: the engine's, or every shard worker's), then the objects
 * an embedder passed (HeraldOptions.plugins; those cannot cross to a worker, so a sharded Herald
 * refuses them). Every plugin is checked once: hooks that are functions, at least one of them, a
 * string name. What fails is HERALD_CONFIG_INVALID naming the module and the export.
 *
 * A module's plugin is its default export, or, without one, its named exports
 * (`export function shouldPublish…`). A default export that is a function is a factory: it is
 * called once with the module's `plugins.options.<file name>` table ({} when none) and answers
 * the plugin (or a promise of it). Paths are absolute by now: the config loader resolved them
 * (core/config/load.ts: against the config file's folder, or the working directory).
 */
import { pathToFileURL } from 'node:url';
import { pluginModuleName } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import { HOOKS, type HeraldPlugin } from './plugin.js';

export interface NamedPlugin {
  /** The `plugin` label and log field: its `name`, else its file's name, else `plugin-<n>`. */
  name: string;
  plugin: HeraldPlugin;
}

/** `plugins.options`: each module's settings under its file's name. */
export type PluginOptions = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export async function loadPlugins(modules: readonly string[], objects: readonly HeraldPlugin[] = [], options: PluginOptions = {}): Promise<NamedPlugin[]> {
  const loaded: NamedPlugin[] = [];
  for (const [i, path] of modules.entries()) {
    const where = `plugins.modules[${i}] (${path})`;
    const name = pluginModuleName(path);
    let namespace: Record<string, unknown>;
    try {
      namespace = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (e) {
      throw invalid(`${where}: cannot be imported: ${(e as Error)?.message ?? String(e)}`);
    }
    let exported = 'default' in namespace ? namespace.default : namespace;
    if (typeof exported === 'function') {
      try {
        exported = await (exported as (options: Readonly<Record<string, unknown>>) => unknown)(options[name] ?? {});
      } catch (e) {
        throw invalid(`${where}: its factory refused plugins.options.${name}: ${(e as Error)?.message ?? String(e)}`);
      }
    } else if (options[name] !== undefined) {
      throw invalid(`${where}: takes no options (its default export is not a factory), but plugins.options.${name} is set`);
    }
    loaded.push(checked(exported, where, name));
  }
  objects.forEach((plugin, i) => loaded.push(checked(plugin, `plugins passed to Herald.start [${i}]`, `plugin-${loaded.length + 1}`)));
  return loaded;
}

function checked(exported: unknown, where: string, fallbackName: string): NamedPlugin {
  if (typeof exported !== 'object' || exported === null) {
    throw invalid(`${where}: its default export must be a plugin object (with ${HOOKS.join(', ')}), not ${exported === null ? 'null' : typeof exported}`);
  }
  const plugin = exported as Record<string, unknown>;
  for (const hook of HOOKS) {
    if (plugin[hook] !== undefined && typeof plugin[hook] !== 'function') throw invalid(`${where}: export ${hook} must be a function, not ${typeof plugin[hook]}`);
  }
  if (!HOOKS.some((hook) => typeof plugin[hook] === 'function')) throw invalid(`${where}: exports none of the hooks ${HOOKS.join(', ')}`);
  const { name } = plugin;
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw invalid(`${where}: export name must be a non-empty string`);
  return { name: name ?? fallbackName, plugin: plugin as HeraldPlugin };
}

function invalid(detail: string): HeraldError {
  return new HeraldError('HERALD_CONFIG_INVALID', detail);
}
