/**
 * The failover scenario on Prosody 0.12: it refuses a second component connection for a domain,
 * so one instance holds the link through a PostgreSQL advisory lock and the other stands by
 * (`one_holds_the_link`); the killed instance is the leader.
 */
import { COMPONENT_DOMAIN, ProsodyServer, USER_DOMAIN } from '../interop/prosody/prosody-server.js';
import { failoverScenario } from './failover-scenario.js';

failoverScenario({
  name: 'Prosody',
  start: (secret) => ProsodyServer.start(secret),
  componentDomain: COMPONENT_DOMAIN,
  userDomain: USER_DOMAIN,
  instances: 'one_holds_the_link',
});
