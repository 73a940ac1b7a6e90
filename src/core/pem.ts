/**
 * PEM files an operator names (RFC 7468 textual encodings): what a file holds, said in words,
 * so that "a certificate where the key belongs" reads as that and not as OpenSSL's
 * `DECODER routines::unsupported`. Pure: takes the text, returns the parsed object or the problem.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';

/** RFC 7468 §2: `-----BEGIN label-----`. */
const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/** The labels of the PEM blocks in `text`, in order. */
function pemLabels(text: string): string[] {
  return [...text.matchAll(BEGIN)].map((m) => m[1]!);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const fail = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

/** What the file holds when it is not what was asked for. */
function holds(labels: readonly string[]): string {
  if (labels.some((l) => l === 'CERTIFICATE' || l === 'TRUSTED CERTIFICATE')) return 'holds a certificate';
  if (labels.some((l) => l.endsWith('PUBLIC KEY'))) return 'holds a public key';
  if (labels.some((l) => l === 'CERTIFICATE REQUEST')) return 'holds a certificate request';
  if (labels.some((l) => l.endsWith('PRIVATE KEY'))) return 'holds a private key';
  return `holds a PEM block "${labels[0]}"`;
}

function notPem(text: string, what: string): string | undefined {
  if (text.trim() === '') return 'is empty';
  if (pemLabels(text).length === 0) {
    const binary = /[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 512));
    return `is not PEM (no "-----BEGIN" line${binary ? '; it looks binary, e.g. DER' : ''}); expected ${what}`;
  }
  return undefined;
}

/** A private key (PKCS#8 `PRIVATE KEY`, or the older `RSA/EC PRIVATE KEY`), unencrypted. */
export function parsePrivateKey(text: string): Parsed<KeyObject> {
  const wrong = notPem(text, 'a PEM private key');
  if (wrong) return fail(wrong);
  const labels = pemLabels(text);
  if (!labels.some((l) => l.endsWith('PRIVATE KEY'))) return fail(`${holds(labels)}, not a private key`);
  if (labels.includes('ENCRYPTED PRIVATE KEY') || /Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    return fail('is an encrypted private key; Herald reads unencrypted PEM keys (protect the file by its permissions)');
  }
  try {
    return { ok: true, value: createPrivateKey(text) };
  } catch (e) {
    return fail(`is not a readable private key: the PEM is damaged (${(e as Error).message})`);
  }
}

/** Every `CERTIFICATE` block, parsed; `leaf` checks the first one's validity period against `now`. */
export function parseCertificates(text: string, options: { leaf: boolean; now?: Date }): Parsed<X509Certificate[]> {
  const wrong = notPem(text, 'a PEM certificate');
  if (wrong) return fail(wrong);
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => m[0]);
  if (blocks.length === 0) return fail(`${holds(pemLabels(text))}, not a certificate`);
  const certificates: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block));
    } catch (e) {
      const which = blocks.length === 1 ? 'the certificate' : `certificate ${i + 1} of ${blocks.length}`;
      return fail(`${which} is damaged (${(e as Error).message})`);
    }
  }
  if (options.leaf) {
    const now = options.now ?? new Date();
    const leaf = certificates[0]!;
    if (new Date(leaf.validTo).getTime() < now.getTime()) return fail(`the certificate expired on ${isoDay(leaf.validTo)}`);
    if (new Date(leaf.validFrom).getTime() > now.getTime()) return fail(`the certificate is not valid before ${isoDay(leaf.validFrom)}`);
  }
  return { ok: true, value: certificates };
}

/** `Sep  3 21:40:37 2022 GMT` (OpenSSL's format) as `2022-09-03T21:40:37Z`. */
function isoDay(openssl: string): string {
  const t = new Date(openssl);
  return Number.isNaN(t.getTime()) ? openssl : t.toISOString().replace('.000Z', 'Z');
}

/** RFC 5280: the certificate's public key must be the key's public half (TLS needs the pair). */
function keyMatches(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** What is wrong with a certificate file and its key file as a pair, each said against its own file. */
export interface PairProblems {
  cert?: string;
  key?: string;
}

/**
 * A TLS certificate (leaf first, chain after) and its private key: each must parse, the leaf
 * must be valid now, and the key must be the certificate's (RFC 5280 subjectPublicKeyInfo).
 */
export function checkTlsPair(certText: string, keyText: string, now?: Date): PairProblems {
  const certs = parseCertificates(certText, { leaf: true, now });
  const key = parsePrivateKey(keyText);
  const problems: PairProblems = {};
  if (!certs.ok) problems.cert = certs.problem;
  if (!key.ok) problems.key = key.problem;
  if (certs.ok && key.ok && !keyMatches(certs.value[0]!, key.value)) {
    problems.key = 'is not the private key of the certificate it is paired with (their public keys differ)';
  }
  return problems;
}
