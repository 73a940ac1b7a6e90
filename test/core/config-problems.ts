import { ConfigError, validateConfig, type ConfigProblem } from '../../src/core/config/load.js';

/** What validating `raw` (with `env`) reports: every problem, none for a valid config. */
export function configProblems(raw: unknown, env: NodeJS.ProcessEnv = {}): ConfigProblem[] {
  try {
    validateConfig(raw, '(test)', env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
