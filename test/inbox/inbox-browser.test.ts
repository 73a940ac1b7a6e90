/**
 * The push inbox in a real browser (Debian's Chromium driven by playwright-core; no browser is
 * downloaded): `herald start` as a child, joined as a component to the test's XEP-0114 server,
 * with the bundled APNS simulator. A push through the REST API and one through a component
 * publish appear live with their title and body; the page's "dead" button makes the device
 * answer 410, which the page shows and Herald's /metrics counts as an unregistered device.
 *
 * The screenshot the README shows is taken every run: into docs/inbox.png when
 * HERALD_UPDATE_SCREENSHOT=1, else into a temporary folder (CI must not dirty the clone).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { Element } from '@xmpp/xml';
import { chromium, type Locator, type Page } from 'playwright-core';
import { createIq, publishIq } from '../app-server/harness.js';
import { AcceptServer } from '../component/accept-server.js';
import { openRestSession, sampleValue, type RestSession } from '../e2e/rest-session.js';
import { writeConfig } from '../hardening/config/config-files.js';
import { eventually } from '../support/eventually.js';
import { componentJoined, startHeraldProcess, type HeraldChild } from '../support/herald-process.js';

/** Debian's package `chromium` (.ci/run installs it). */
const CHROMIUM = '/usr/bin/chromium';
/**
 * Headless as root in a sandbox with no network: no GPU, no sandbox, and none of the background
 * connections (updates, sync, QUIC probes) that the closed network would refuse at every start.
 */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** ms a page condition may take (a push crosses Herald, the simulator and the stream). */
const PAGE_WAIT_MS = 15_000;
const SECRET = 'inbox-component-secret';
const DEVICE = 'ab'.repeat(32);
const UNREGISTERED = 'herald_push_rejected_total{service="apns",pool="apns-prod",reason="unregistered"}';
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** An IQ on the component stream, answered by Herald. */
async function ask(xmpp: AcceptServer, iq: string): Promise<Element> {
  const id = /id='([^']+)'/.exec(iq)![1]!;
  const answer = xmpp.next('stanza', (el) => el.attrs.id === id);
  xmpp.write(iq);
  return (await answer)[0];
}

/** The row of the inbox holding `text` (a title, a body or an answer). */
const row = (page: Page, text: string) => page.locator('#rows tr', { hasText: text });

/** A row's title, body and answer as the page shows them. */
async function shown(tr: Locator): Promise<{ title: string; body: string; answer: string }> {
  return { title: await tr.locator('.title').innerText(), body: await tr.locator('.body').innerText(), answer: await tr.locator('td.answer').innerText() };
}

test('the push inbox shows a REST push and a component publish live, and its "dead" button makes the device answer 410, counted in /metrics', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium; .ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'herald-inbox-'));
  const xmpp = await AcceptServer.start('push.localhost', SECRET);
  let herald: HeraldChild | undefined;
  let rest: RestSession | undefined;
  const browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 720 },
  });
  try {
    const config = writeConfig(dir, join(dir, 'apns.p8'), {
      component: { enabled: true, service: xmpp.service, password: SECRET },
      simulators: { control: { port: 0 } },
    });
    herald = await startHeraldProcess(config);
    const started = herald;
    await eventually(() => /Push inbox: \S+/.test(started.stdout()), 'the banner to print the inbox URL');
    const inbox = /Push inbox: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(started.stdout())?.[1];
    assert.ok(inbox !== undefined, `the banner names the inbox: ${started.stdout()}`);
    await eventually(() => componentJoined(started), 'the component to join', PAGE_WAIT_MS);
    rest = openRestSession(herald.url, readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'));

    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(PAGE_WAIT_MS);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(inbox);
    await page.locator('#connection[data-state="live"]').waitFor();

    const viaRest = { service: 'apns', mode: 'prod', alert: { title: 'Through REST', body: 'Sent to /v3/notification' } };
    assert.equal((await rest.request('POST', `/v3/notification/${DEVICE}`, viaRest)).status, 200);
    await row(page, 'Sent to /v3/notification').waitFor();
    assert.deepEqual(await shown(row(page, 'Sent to /v3/notification')), { title: 'Through REST', body: 'Sent to /v3/notification', answer: '200' });

    assert.equal((await ask(xmpp, createIq('inbox-node'))).attrs.type, 'result', 'alice has a push node');
    const summary = { 'message-count': '1', 'last-message-sender': 'juliet@capulet.example/balcony', 'last-message-body': 'Wherefore art thou, Romeo?' };
    const publish = publishIq('inbox-node', { service: 'apns', device_id: DEVICE, topic: 'com.example.app' }, summary);
    assert.equal((await ask(xmpp, publish)).attrs.type, 'result', 'the publish was delivered');
    // XEP-0357 summary → alert (app-server/notification-mapping.ts): title = sender, body = body.
    await row(page, 'Wherefore art thou, Romeo?').waitFor();
    assert.deepEqual(await shown(row(page, 'Wherefore art thou, Romeo?')), { title: 'juliet@capulet.example/balcony', body: 'Wherefore art thou, Romeo?', answer: '200' });

    await row(page, 'Wherefore art thou, Romeo?').click();
    assert.equal(await page.locator('#preview-title').innerText(), 'juliet@capulet.example/balcony', 'the lock-screen preview');
    assert.equal(await page.locator('#preview-body').innerText(), 'Wherefore art thou, Romeo?');
    await page.getByRole('button', { name: 'dead', exact: true }).click();
    await page.locator('#device-program', { hasText: 'is now: dead' }).waitFor();
    assert.equal((await rest.request('POST', `/v3/notification/${DEVICE}`, viaRest)).status, 410);
    await row(page, '410 Unregistered').waitFor();
    assert.equal(await row(page, '410 Unregistered').locator('td.device').getAttribute('title'), DEVICE);
    const session = rest;
    await eventually(async () => sampleValue((await session.request('GET', '/metrics')).body, UNREGISTERED) === 1, `${UNREGISTERED} to be 1`);
    // The filter by device: another device's text hides every row; this one's shows all three.
    await page.fill('#filter', 'cdcdcd');
    await eventually(async () => (await page.locator('#rows tr:visible').count()) === 0, 'the filter to hide the rows');
    await page.fill('#filter', DEVICE.slice(0, 10).toUpperCase());
    await eventually(async () => (await page.locator('#rows tr:visible').count()) === 3, 'the filter to show the device\'s rows');
    assert.deepEqual(pageErrors, []);

    await page.fill('#filter', '');
    await row(page, 'Wherefore art thou, Romeo?').click(); // the preview shows a notification
    const shot = process.env.HERALD_UPDATE_SCREENSHOT === '1' ? join(REPO, 'docs', 'inbox.png') : join(dir, 'inbox.png');
    await page.screenshot({ path: shot });
    assert.ok(existsSync(shot), shot);
  } finally {
    await browser.close();
    rest?.close();
    await herald?.stop();
    await xmpp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
