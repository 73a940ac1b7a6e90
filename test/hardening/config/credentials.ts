/**
 * Credential files an operator might name, good and bad, written once into a folder: a valid
 * APNS .p8, the wrong kinds of key, certificates (valid, expired, with someone else's key), an
 * encrypted key, PEM garbage, service accounts (valid, not JSON, google-services.json, EC key).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface Credentials {
  dir: string;
  p8: string;
  rsaKey: string;
  p384Key: string;
  emptyFile: string;
  garbageKey: string;
  encryptedKey: string;
  cert: string;
  certKey: string;
  otherKey: string;
  expiredCert: string;
  expiredKey: string;
  serviceAccount: string;
  serviceAccountNotJson: string;
  googleServicesJson: string;
  serviceAccountEcKey: string;
  aDirectory: string;
  aFile: string;
  danglingLink: string;
  fifo: string;
}

const DAY_MS = 86_400_000;

async function certificate(notBefore: Date, notAfter: Date): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
  } as Parameters<typeof generate>[1]);
  return { cert: pems.cert, key: pems.private };
}

const pkcs8 = (key: ReturnType<typeof generateKeyPairSync>['privateKey']): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

export async function writeCredentials(dir: string): Promise<Credentials> {
  mkdirSync(dir, { recursive: true });
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const now = Date.now();
  const valid = await certificate(new Date(now - DAY_MS), new Date(now + 365 * DAY_MS));
  const expired = await certificate(new Date(now - 30 * DAY_MS), new Date(now - DAY_MS));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const account = (privateKey: string) =>
    JSON.stringify({
      type: 'service_account',
      project_id: 'herald-test',
      private_key_id: 'k1',
      private_key: privateKey,
      client_email: 'herald@herald-test.iam.gserviceaccount.com',
      token_uri: 'https://oauth2.googleapis.com/token',
    });
  const ec = () => pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const credentials: Credentials = {
    dir,
    p8: file('AuthKey_TEST.p8', ec()),
    rsaKey: file('rsa.pem', pkcs8(rsa)),
    p384Key: file('p384.p8', pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey)),
    emptyFile: file('empty.pem', ''),
    garbageKey: file('garbage.pem', '-----BEGIN PRIVATE KEY-----\nthis is not base64 at all!\n-----END PRIVATE KEY-----\n'),
    encryptedKey: file(
      'encrypted.pem',
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString(),
    ),
    cert: file('rest.crt', valid.cert),
    certKey: file('rest.key', valid.key),
    otherKey: file('other.key', ec()),
    expiredCert: file('expired.crt', expired.cert),
    expiredKey: file('expired.key', expired.key),
    serviceAccount: file('service-account.json', account(pkcs8(rsa))),
    serviceAccountNotJson: file('not-json.json', '{ "type": "service_account", '),
    googleServicesJson: file('google-services.json', JSON.stringify({ project_info: { project_id: 'herald-test' }, client: [] })),
    serviceAccountEcKey: file('ec-account.json', account(ec())),
    aDirectory: join(dir, 'a-directory'),
    aFile: file('a-file', 'just a file\n'),
    danglingLink: join(dir, 'dangling'),
    fifo: join(dir, 'a-fifo'),
  };
  mkdirSync(credentials.aDirectory);
  symlinkSync(join(dir, 'nowhere'), credentials.danglingLink);
  execFileSync('mkfifo', [credentials.fifo]);
  return credentials;
}
