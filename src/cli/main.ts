#!/usr/bin/env node
/**
 * The `herald` command.
 *   herald start [--config FILE]          run the engine (REST API, APNS simulator per config)
 *   herald check-config [--config FILE]   validate a config file; print problems or the effective config
 *   herald demo                           walk the whole push path with the embedding API
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../core/config/load.js';
import { isHeraldError } from '../core/errors.js';
import { runDemo } from './demo.js';
import { printableConfig } from './printable-config.js';
import { runStart } from './start.js';

export const DEFAULT_CONFIG = 'config/default.toml';

const USAGE = `usage: herald <start|check-config|demo> [--config FILE]
  start         run Herald on the config (default ${DEFAULT_CONFIG})
  check-config  validate the config; print every problem, or the effective config
  demo          walk the whole push path (enable -> message -> APNS request) and print each step`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE + '\n');
    return command || values.help ? 0 : 2;
  }
  const file = values.config ?? process.env.HERALD_CONFIG ?? DEFAULT_CONFIG;
  switch (command) {
    case 'check-config': {
      const config = loadConfigFile(file);
      process.stdout.write(`${file}: valid\n${JSON.stringify(printableConfig(config), null, 2)}\n`);
      return 0;
    }
    case 'start':
      await runStart(loadConfigFile(file));
      return 0;
    case 'demo':
      await runDemo();
      return 0;
    default:
      process.stderr.write(`unknown command: ${command}\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof ConfigError) {
      process.stderr.write(`invalid configuration in ${e.file}:\n${e.problems.map((p) => `  - ${p.key}: ${p.problem}`).join('\n')}\n`);
    } else if (isHeraldError(e)) {
      process.stderr.write(`herald: ${e.code}: ${e.message}\n`);
    } else {
      process.stderr.write(`herald: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    }
    process.exitCode = 1;
  },
);
