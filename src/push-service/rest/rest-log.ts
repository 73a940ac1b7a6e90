/**
 * The part of Herald's Logger the REST endpoint uses (any core/log.ts Logger fits). It logs only
 * failures of its own, never per request, and never device tokens or bodies.
 */
import type { Logger } from '../../core/log.js';

export type RestLog = Pick<Logger, 'error'> & Partial<Pick<Logger, 'debug'>>;
