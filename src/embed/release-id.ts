import { createRequire } from 'node:module';

/** `releaseID` of /healthcheck: Herald's package version. */
export const RELEASE_ID: string = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
