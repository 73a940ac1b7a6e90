/**
 * The failover scenario on ejabberd 23.01: it keeps both instances' component connections and
 * spreads stanzas over them at random, so both instances join (`all_join`).
 */
import { COMPONENT_DOMAIN, EjabberdServer, USER_DOMAIN } from '../interop/ejabberd/ejabberd-server.js';
import { failoverScenario } from './failover-scenario.js';

failoverScenario({
  name: 'ejabberd',
  start: (secret) => EjabberdServer.start(secret),
  componentDomain: COMPONENT_DOMAIN,
  userDomain: USER_DOMAIN,
  instances: 'all_join',
});
