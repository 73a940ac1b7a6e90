import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_TEMPLATE as EJABBERD_CONFIG_TEMPLATE } from '../ejabberd/ejabberd-server.js';
import { MONGOOSEIM_CONFIG } from '../mongooseim/config-file.js';
import { renderTemplate } from '../server-process.js';
import { CONFIG_TEMPLATE, HERALD_TOML_TEMPLATE } from './prosody-server.js';

const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));
/** The line after which each template holds what an operator needs (the rest is loopback test setup). */
const MARKER = /^.*-{10} Pointing Prosody at Herald -{10}\n/m;
/** The values the README shows for the placeholders. */
const README_VALUES = { COMPONENT_SECRET: 'change-me', COMPONENT_SERVICE: 'xmpp://127.0.0.1:5347', COMPONENT_PORT: '5347' };
/** ejabberd.yml: the operator's part lies between these two lines (one YAML file, so the test listener follows it). */
const EJABBERD_START = /^# -{10} Pointing ejabberd at Herald -{10}\n/m;
const EJABBERD_END = /^# -{10} Loopback test settings/m;

/** What follows the marker, placeholders filled with the README's values. */
function operatorPart(template: string): string {
  const text = readFileSync(template, 'utf8');
  const marker = MARKER.exec(text);
  assert.ok(marker, `${template} has no "Pointing Prosody at Herald" marker`);
  return renderTemplate(text.slice(marker.index + marker[0].length), README_VALUES).trim();
}

/** The operator's part of ejabberd.yml, placeholders filled with the README's values. */
function ejabberdOperatorPart(): string {
  const text = readFileSync(EJABBERD_CONFIG_TEMPLATE, 'utf8');
  const start = EJABBERD_START.exec(text);
  assert.ok(start, `${EJABBERD_CONFIG_TEMPLATE} has no "Pointing ejabberd at Herald" marker`);
  const rest = text.slice(start.index + start[0].length);
  const end = EJABBERD_END.exec(rest);
  assert.ok(end, `${EJABBERD_CONFIG_TEMPLATE} has no "Loopback test settings" marker after the operator part`);
  return renderTemplate(rest.slice(0, end.index), README_VALUES).trim();
}

function readmeSection(server = 'Prosody'): string {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(`\n## Pointing ${server} at Herald\n`);
  assert.ok(start >= 0, `README.md has a "Pointing ${server} at Herald" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

test("the README's Prosody snippet is the config the interop suite runs Prosody with", () => {
  assert.ok(readmeSection().includes('```lua\n' + operatorPart(CONFIG_TEMPLATE) + '\n```'));
});

test("the README's Herald snippet is the config the interop suite runs herald start with", () => {
  assert.ok(readmeSection().includes('```toml\n' + operatorPart(HERALD_TOML_TEMPLATE) + '\n```'));
});

test("the README's ejabberd snippet is the config the interop suite runs ejabberd with", () => {
  assert.ok(readmeSection('ejabberd').includes('```yaml\n' + ejabberdOperatorPart() + '\n```'));
});

test("the README's MongooseIM snippet is the config the MongooseIM suite sends its requests with", () => {
  const text = readFileSync(MONGOOSEIM_CONFIG, 'utf8');
  const marker = /^# -{10} Pointing MongooseIM at Herald -{10}\n/m.exec(text);
  assert.ok(marker, 'mongooseim.toml has its marker');
  assert.ok(readmeSection('MongooseIM').includes('```toml\n' + text.slice(marker.index + marker[0].length).trim() + '\n```'));
});
