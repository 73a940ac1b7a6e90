/**
 * A standby (component.instances = "one_holds_the_link") holds no link, so what Herald routes on
 * it is dropped; the drops are counted for /metrics and logged folded, one line per interval.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import pg from 'pg';
import { LeadingLinks, LOCK_APPLICATION_NAME } from '../../src/component/index.js';
import { HeraldMetrics } from '../../src/push-service/ops/herald-metrics.js';
import { recordingLogger } from '../hardening/process/harness.js';
import { eventually } from '../support/eventually.js';
import { postgresDatabase } from '../support/postgres-server.js';

const DOMAIN = 'push.localhost';

describe('a standby instance', async () => {
  const db = await postgresDatabase();
  after(() => db.close());

  test('counts each stanza Herald routes on it while it stands by (herald_component_standby_dropped_total), and logs them in one line per interval', async (t) => {
    // Another instance leads: it holds the domain's lock.
    const leader = new pg.Client({ connectionString: db.url });
    await leader.connect();
    t.after(() => leader.end());
    await leader.query("SELECT pg_advisory_lock(hashtextextended('herald.component:' || $1, 0))", [DOMAIN]);

    const log = recordingLogger();
    const standby = new LeadingLinks({
      url: db.url,
      domain: DOMAIN,
      pollMs: 50,
      timeoutMs: 5_000,
      log,
      links: () => assert.fail('a standby must not join while another instance holds the lock'),
    });
    standby.start({ handleStanza: async () => {} });
    t.after(() => standby.stop());
    await eventually(async () => {
      const { rows } = await leader.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [LOCK_APPLICATION_NAME]);
      return rows.length > 0;
    }, 'the standby trying the lock');

    standby.route(xml('iq', { type: 'result', to: 'alice@localhost/phone', id: 'a1' }));
    standby.route(xml('iq', { type: 'error', to: 'bob@localhost/phone', id: 'b1' }));
    standby.routeText("<message to='carol@localhost' from='push.localhost' type='headline'/>");

    assert.deepEqual(standby.componentLeadership(), { held: false, droppedStandingBy: 3 });
    const metrics = await new HeraldMetrics().render({ services: [], actors: [], componentLeadership: standby.componentLeadership() });
    assert.match(metrics, /^herald_component_standby_dropped_total 3$/m);
    assert.match(metrics, /^herald_component_link_held 0$/m);

    // The first drop at once, the rest only counted until the interval closes (here: at stop).
    const lines = () => log.events('component.standby_dropping');
    assert.equal(lines().length, 1);
    assert.equal(lines()[0]!.fields.count, 1);
    await standby.stop();
    assert.equal(lines().length, 2);
    assert.equal(lines()[1]!.fields.count, 2);
    assert.equal(lines()[1]!.fields.name, 'message');
  });
});
