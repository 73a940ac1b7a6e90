/**
 * Schema version 4: the APNS provider token of each team and key, shared by every instance on
 * the database (push-service/apns/shared-token.ts). Apple refuses a new token for a key less than
 * about 20 minutes after the previous one (429 TooManyProviderTokenUpdates), so instances that
 * each minted their own would see all but one refused.
 *
 * Only the signed JWT is stored, never the signing key; but the JWT is a bearer credential that
 * Apple accepts for an hour, so the database must be protected as the .p8 key is.
 */
import type { Migration } from './migration.js';

export const SCHEMA_V4: Migration = {
  version: 4,
  description: 'APNS provider tokens shared by the instances',
  statements: [
    `CREATE TABLE apns_provider_tokens (
       team_id      text   NOT NULL,
       key_id       text   NOT NULL,
       token        text   NOT NULL,
       issued_at_ms bigint NOT NULL,
       PRIMARY KEY (team_id, key_id)
     )`,
  ],
};
