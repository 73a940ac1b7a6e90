/**
 * Preloaded into `herald start` with `node --import` (nothing in Herald knows of it): on SIGUSR2
 * it makes the failure named by HERALD_TEST_FAULT happen in that process, outside any handler
 * of Herald's — `throw` an uncaught exception, `reject` a promise nobody handles. The error
 * message carries a device token and a bearer credential, which the log must not show.
 */
export const SECRET_TOKEN = 'ab'.repeat(32);
export const SECRET_BEARER = 'Bearer s3cr3t-credential';

if (process.env.HERALD_TEST_FAULT !== undefined) {
  const fault = process.env.HERALD_TEST_FAULT;
  process.on('SIGUSR2', () => {
    const error = new Error(`injected ${fault} for device ${SECRET_TOKEN} (${SECRET_BEARER})`);
    if (fault === 'throw') throw error;
    void Promise.reject(error);
  });
}
