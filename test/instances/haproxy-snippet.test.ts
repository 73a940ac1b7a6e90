import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { haproxyRestConfig } from '../support/haproxy-server.js';

const DOC = fileURLToPath(new URL('../../../docs/several-instances.md', import.meta.url));
/** The values the doc shows where the test has loopback addresses and temp files. */
const DOC_VALUES = {
  bind: ':443',
  pemFile: '/etc/haproxy/herald-rest.pem',
  caFile: '/etc/haproxy/herald-ca.pem',
  instances: ['10.0.0.11:8443', '10.0.0.12:8443'],
};

function docSection(title: string): string {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `docs/several-instances.md has a "${title}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

test("the doc's HAProxy snippet is the config the several-instances test runs HAProxy with", () => {
  assert.ok(docSection('The REST API behind HAProxy').includes('```haproxy\n' + haproxyRestConfig(DOC_VALUES).trim() + '\n```'));
});
