/**
 * The plugin modules `plugins.modules` names, checked to be readable files (herald check-config
 * and start). Whether they load and export hooks is known only by importing them, which runs
 * their code: start does that (plugins/load-plugins.ts), the pre-flight does not.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { describeErrno } from '../core/make-directory.js';
import type { Findings } from './credential-checks.js';

export function checkPluginFiles(modules: readonly string[], found: Findings): void {
  modules.forEach((path, i) => {
    const key = `plugins.modules[${i}]`;
    try {
      if (!statSync(path).isFile()) return found.problem(key, path, 'is not a file (an ES module, e.g. a compiled .js)');
      accessSync(path, constants.R_OK);
    } catch (e) {
      found.problem(key, path, describeErrno((e as NodeJS.ErrnoException).code, e as Error));
    }
  });
}
