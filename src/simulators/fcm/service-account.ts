/**
 * Service-account JSON objects as the Firebase console hands them out, with a fresh RSA key.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

/** Google's service-account keys are 2048-bit RSA. */
const SERVICE_ACCOUNT_KEY_BITS = 2_048;

/** The fields of a service-account JSON file that an FCM sender reads. */
export interface ServiceAccount {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  /** PKCS#8 PEM. */
  private_key: string;
  client_email: string;
  token_uri: string;
}

export interface GeneratedServiceAccount {
  account: ServiceAccount;
  /** SPKI PEM of the key, for the simulator to trust. */
  publicKey: string;
}

const generate = promisify(generateKeyPair);

export async function generateServiceAccount(projectId: string, tokenUri: string): Promise<GeneratedServiceAccount> {
  const { privateKey, publicKey } = await generate('rsa', { modulusLength: SERVICE_ACCOUNT_KEY_BITS });
  const keyId = randomBytes(20).toString('hex');
  const account: ServiceAccount = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: keyId,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `herald-${keyId.slice(0, 8)}@${projectId}.iam.gserviceaccount.com`,
    token_uri: tokenUri,
  };
  return { account, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
