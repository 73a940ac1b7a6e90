import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_TEMPLATE, HERALD_TOML_TEMPLATE, renderTemplate } from './prosody-server.js';

const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));
/** The line after which each template holds what an operator needs (the rest is loopback test setup). */
const MARKER = /^.*-{10} Pointing Prosody at Herald -{10}\n/m;
/** The values the README shows for the placeholders. */
const README_VALUES = { COMPONENT_SECRET: 'change-me', COMPONENT_SERVICE: 'xmpp://127.0.0.1:5347' };

/** What follows the marker, placeholders filled with the README's values. */
function operatorPart(template: string): string {
  const text = readFileSync(template, 'utf8');
  const marker = MARKER.exec(text);
  assert.ok(marker, `${template} has no "Pointing Prosody at Herald" marker`);
  return renderTemplate(text.slice(marker.index + marker[0].length), README_VALUES).trim();
}

function readmeSection(): string {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf('\n## Pointing Prosody at Herald\n');
  assert.ok(start >= 0, 'README.md has a "Pointing Prosody at Herald" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

test("the README's Prosody snippet is the config the interop suite runs Prosody with", () => {
  assert.ok(readmeSection().includes('```lua\n' + operatorPart(CONFIG_TEMPLATE) + '\n```'));
});

test("the README's Herald snippet is the config the interop suite runs herald start with", () => {
  assert.ok(readmeSection().includes('```toml\n' + operatorPart(HERALD_TOML_TEMPLATE) + '\n```'));
});
