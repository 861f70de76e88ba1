/**
 * reef/driver: what a driver plugin imports. The contract (types and capability guards), the errors it must
 * throw, the label keys, and the boundary helpers. docs/plugins.md shows a whole plugin.
 */
export type {
  Driver, DriverDeps, DriverFactory, CallContext, CreateRequest, CreateResult, ListRequest, DestroyRequest,
  WatchRequest, HealthRequest, Observation, Phase, Probe, ResourceRef, ReefLabels, Addresses, ContextPayload,
  Watcher, HealthChecker, ConnectionProvider,
} from '../reconcilers/driver.js';
export { LABEL_KEYS, labelEntries, labelsFrom, canWatch, checksHealth, providesConnection, accessOf } from '../reconcilers/driver.js';
/** reef serve's allowed files and URLs (ctx.access): check a path or URL from a section before reading or fetching it */
export { allowedFile, allowedUrl, type HostAccess } from '../util/host-access.js';
export type { DriverPlugin } from '../reconcilers/plugin.js';
export {
  ReefError, TransientError, FatalError, isReefError, asReefError, classOf, CLASS_POLICY, ERROR_CLASSES,
  type ErrorClass, type CatalogueEntry, type ReefErrorOptions,
} from '../errors/index.js';
export { atBoundary, abortedError, ignoreIf } from '../reconcilers/kit.js';
export type { ResourceSection } from '../spec/types.js';
