/**
 * The effective config as `herald check-config` prints it: secrets (component.password,
 * rest.auth_tokens, …) hidden as in the logs (core/redaction.ts `redact`), while an unset secret stays
 * visibly empty, so the output still tells whether one is configured.
 */
import type { HeraldConfig } from '../core/config/schema.js';
import { redact } from '../core/log.js';

export function printableConfig(config: HeraldConfig): unknown {
  return keepEmpty(config, redact({ ...config }));
}

function keepEmpty(original: unknown, hidden: unknown): unknown {
  if (original === '' || (Array.isArray(original) && original.length === 0)) return original;
  if (isRecord(original) && isRecord(hidden)) {
    return Object.fromEntries(Object.entries(original).map(([key, value]) => [key, keepEmpty(value, hidden[key])]));
  }
  return hidden;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
