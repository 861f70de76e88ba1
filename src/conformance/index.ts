/** reef/conformance: the driver conformance suite, for reef's drivers and plugins alike. */
export { driverConformanceChecks, type ConformanceCheck } from './checks.js';
export type { ConformanceTarget, TcpAddress } from './target.js';
