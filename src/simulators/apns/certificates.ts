/**
 * Certificate-based authentication as APNS does it (Apple, "Establishing a certificate-based
 * connection to APNs"; reference: apns-fcm.md "Certificate auth"): the provider presents a TLS
 * client certificate instead of sending a JWT. The certificate names the topics it may push to
 * and is valid for the sandbox, production, or both.
 *
 * Trust here is pinning: a certificate is trusted when it is one of the configured ones (same
 * SHA-256 fingerprint) and within its validity dates on the simulator clock. The TLS handshake
 * has already proved that the client holds its private key (CertificateVerify, RFC 8446 §4.4.3).
 */
import { X509Certificate } from 'node:crypto';
import type { Http2Session } from 'node:http2';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { rejection, type Rejection } from './reasons.js';

/** development = api.sandbox.push.apple.com, production = api.push.apple.com. */
export type ApnsEnvironment = 'production' | 'development';

export interface TrustedCertificate {
  /** The client certificate, PEM. */
  certPem: string;
  /**
   * Topics (bundle id, plus e.g. `<bundle id>.voip`) it may push to. A request without apns-topic
   * uses the only topic of a single-topic certificate; multi-topic certificates need apns-topic.
   */
  topics: string[];
  /** Default 'both' (Apple's current "Sandbox & Production" certificates). */
  environment?: ApnsEnvironment | 'both';
}

/** What a connection's client certificate makes of its requests. */
export type SessionCertificate =
  | { trusted: true; topics: readonly string[] }
  | { trusted: false; rejection: Rejection };

interface Pinned {
  topics: readonly string[];
  environment: ApnsEnvironment | 'both';
  validFromMs: number;
  validToMs: number;
}

/** Every problem with the configured certificates (option names as in the docs). */
export function certificateProblems(certificates: readonly TrustedCertificate[]): string[] {
  const problems: string[] = [];
  certificates.forEach((c, i) => {
    try {
      new X509Certificate(c.certPem);
    } catch {
      problems.push(`certificates[${i}].certPem`);
    }
    const topicsOk = Array.isArray(c.topics) && c.topics.length > 0 && c.topics.every((t) => typeof t === 'string' && t !== '');
    if (!topicsOk) problems.push(`certificates[${i}].topics`);
    const env = c.environment;
    if (env !== undefined && env !== 'production' && env !== 'development' && env !== 'both') {
      problems.push(`certificates[${i}].environment`);
    }
  });
  return problems;
}

export class CertificateAuthority {
  private readonly pinned = new Map<string, Pinned>();
  private readonly sessions = new WeakMap<Http2Session, SessionCertificate>();

  /** `certificates` must have been checked with certificateProblems(). */
  constructor(
    certificates: readonly TrustedCertificate[],
    private readonly environment: ApnsEnvironment,
    private readonly clock: () => number,
  ) {
    for (const c of certificates) {
      const x509 = new X509Certificate(c.certPem);
      this.pinned.set(x509.fingerprint256, {
        topics: [...c.topics],
        environment: c.environment ?? 'both',
        validFromMs: Date.parse(x509.validFrom),
        validToMs: Date.parse(x509.validTo),
      });
    }
  }

  /** Whether the server should ask clients for a certificate at all. */
  get enabled(): boolean {
    return this.pinned.size > 0;
  }

  /** Judges the certificate `session` presented in its TLS handshake, if any. */
  identify(session: Http2Session): SessionCertificate | undefined {
    if (!this.enabled) return undefined;
    const peer = (session.socket as TLSSocket).getPeerCertificate?.();
    const judged = this.judge(peer);
    if (judged !== undefined) this.sessions.set(session, judged);
    return judged;
  }

  /** The judgement of `session`'s certificate; undefined when it presented none (token auth). */
  of(session: Http2Session | undefined): SessionCertificate | undefined {
    return session === undefined ? undefined : this.sessions.get(session);
  }

  private judge(peer: PeerCertificate | undefined): SessionCertificate | undefined {
    // An empty object when the client sent no certificate.
    if (peer === undefined || peer.fingerprint256 === undefined) return undefined;
    const pinned = this.pinned.get(peer.fingerprint256);
    const now = this.clock();
    if (pinned === undefined || now < pinned.validFromMs || now > pinned.validToMs) {
      return { trusted: false, rejection: rejection('BadCertificate') };
    }
    if (pinned.environment !== 'both' && pinned.environment !== this.environment) {
      return { trusted: false, rejection: rejection('BadCertificateEnvironment') };
    }
    return { trusted: true, topics: pinned.topics };
  }
}
