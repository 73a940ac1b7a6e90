/**
 * Client certificates for APNS certificate-based auth, for tests and the development default:
 * self-signed, shaped like Apple's "Apple Push Services" certificates (subject CN
 * "Apple Push Services: <bundle id>", OU the team id, client authentication only).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { TlsPair } from '../../core/tls.js';

/** Apple's push certificates are valid for one year (apns-fcm.md "Certificate auth"). */
const CLIENT_CERTIFICATE_DAYS = 365;
/** notBefore is set this far back so that a peer whose clock is slightly behind still accepts it. */
const CLOCK_SKEW_MS = 60_000;
const DAY_MS = 24 * 3600 * 1000;

export interface ClientCertificateOptions {
  /** The bundle id named in the subject. */
  topic: string;
  /** The team id, as the subject's OU. Default 'HERALDDEV0'. */
  teamId?: string;
  /** Start of validity; default one minute ago. */
  notBefore?: Date;
  /** Validity, days. Default 365, as Apple's. */
  days?: number;
}

/** A fresh certificate and its key (EC P-256), PEM: `cert` for the simulator, both for the client. */
export async function generateApnsClientCertificate(options: ClientCertificateOptions): Promise<TlsPair> {
  const notBefore = options.notBefore ?? new Date(Date.now() - CLOCK_SKEW_MS);
  const notAfter = new Date(notBefore.getTime() + (options.days ?? CLIENT_CERTIFICATE_DAYS) * DAY_MS);
  const pems = await generate(
    [
      { name: 'commonName', value: `Apple Push Services: ${options.topic}` },
      { shortName: 'OU', value: options.teamId ?? 'HERALDDEV0' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: notBefore,
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    },
  );
  return { cert: pems.cert, key: pems.private };
}

/**
 * Reads `apns-client-cert.pem`/`apns-client-key.pem` from `dir`; generates and saves them on
 * first use, and again once the saved certificate has expired.
 */
export async function loadOrGenerateApnsClientCertificate(dir: string, options: ClientCertificateOptions): Promise<TlsPair> {
  const certPath = join(dir, 'apns-client-cert.pem');
  const keyPath = join(dir, 'apns-client-key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const saved = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    if (Date.parse(new X509Certificate(saved.cert).validTo) > Date.now()) return saved;
  }
  const pair = await generateApnsClientCertificate(options);
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  writeFileSync(certPath, pair.cert);
  return pair;
}
