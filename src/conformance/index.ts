/** reef/conformance: the driver conformance suite, for reef's drivers and plugins alike. */
export { driverConformanceChecks, type ConformanceCheck } from './checks.js';
export type { ConformanceTarget, TcpAddress } from './target.js';
/** Loads a plugin the way `reef --plugin` does (shape checked, error codes registered), for its own tests. */
export { loadDriverPlugin, type DriverPlugin } from '../reconcilers/plugin.js';
