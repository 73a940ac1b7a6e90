#!/usr/bin/env node
/**
 * The `herald` command.
 *   herald start [--config FILE]          run the engine (REST API, APNS simulator per config)
 *   herald check-config [--config FILE]   validate a config file and every file, folder and address
 *                                         it names; print every problem, or the effective config
 *   herald demo                           walk the whole push path with the embedding API
 *   herald vapid-key [--config FILE]      print the Web Push VAPID public key browsers subscribe with
 *
 * An operator's mistake ends the command with exit code 1 and one message naming each bad key,
 * where its value came from (the file or an environment variable) and the cause; no stack trace.
 */
import { parseArgs } from 'node:util';
import { ConfigFileError } from '../core/config/config-file-error.js';
import { loadConfig } from '../core/config/load.js';
import { assertPreflight, preflight } from '../preflight/preflight.js';
import { loadVapidKeyFile } from '../push-service/webpush/vapid-key-file.js';
import { runDemo } from './demo.js';
import { describeFailure } from './describe-failure.js';
import { printableConfig } from './printable-config.js';
import { runStart } from './start.js';

const DEFAULT_CONFIG = 'config/default.toml';

const USAGE = `usage: herald <start|check-config|demo|vapid-key> [--config FILE]
  start         run Herald on the config (default ${DEFAULT_CONFIG})
  check-config  validate the config and the files, folders and addresses it names;
                print every problem, or the effective config
  demo          walk the whole push path (enable -> message -> APNS request) and print each step
  vapid-key     print the VAPID public key of webpush.vapid_key_file (made if missing, as start
                does): the applicationServerKey a web app passes to pushManager.subscribe()`;

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
  try {
    switch (command) {
      case 'check-config':
        return await checkConfig(file);
      case 'start': {
        const loaded = loadConfig(file);
        // Before anything starts: no simulator, listener or thread is up when this fails.
        const warnings = await assertPreflight(loaded, { probePorts: true });
        await runStart(loaded.config, warnings);
        return 0;
      }
      case 'demo':
        await runDemo();
        return 0;
      case 'vapid-key':
        // RFC 8292 §3.2: browsers bind a subscription to this key; Herald's log never prints it.
        process.stdout.write(`${loadVapidKeyFile(loadConfig(file).config.webpush.vapid_key_file).publicKey}\n`);
        return 0;
      default:
        process.stderr.write(`unknown command: ${command}\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    process.stderr.write(`${describeFailure(e, { command, file })}\n`);
    return 1;
  }
}

async function checkConfig(file: string): Promise<number> {
  const loaded = loadConfig(file);
  const report = await preflight(loaded);
  for (const warning of report.warnings) process.stderr.write(`herald: warning: ${warning}\n`);
  if (report.problems.length > 0) throw new ConfigFileError(report.problems);
  process.stdout.write(`${file}: valid\n${JSON.stringify(printableConfig(loaded.config), null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    // parseArgs refusing an option, or a bug: the message, and the stack only for the latter.
    process.stderr.write(`${describeFailure(e, {})}\n`);
    process.exitCode = 1;
  },
);
