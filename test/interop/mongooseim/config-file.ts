import { fileURLToPath } from 'node:url';

/** The MongooseIM config the README shows (the source file; tests run from dist/). */
export const MONGOOSEIM_CONFIG = fileURLToPath(new URL('../../../../test/interop/mongooseim/mongooseim.toml', import.meta.url));
