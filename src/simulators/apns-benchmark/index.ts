/** The APNS benchmark server: in-process (startApnsBenchmarkServer) or as a child process. */
export {
  DEFAULT_MAX_CONCURRENT_STREAMS,
  startApnsBenchmarkServer,
  type ApnsBenchmarkServer,
  type ApnsBenchmarkServerOptions,
  type ApnsBenchmarkServerStats,
} from './server.js';
export { spawnApnsBenchmarkServerProcess, type ApnsBenchmarkServerProcess } from './process.js';
